// Sources import each other as './x.js' (module: nodenext) while ts-jest runs the .ts files: resolve normally,
// and only when that fails try the TypeScript file of the same name. node_modules are untouched.
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    if (request.startsWith('.') && request.endsWith('.js')) {
      return options.defaultResolver(`${request.slice(0, -3)}.ts`, options);
    }
    throw error;
  }
};
