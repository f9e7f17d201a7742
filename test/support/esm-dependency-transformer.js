// Turns an ESM-only dependency (jose) into CommonJS for Jest, keeping standard class-field semantics. ts-jest with
// our decorator settings (useDefineForClassFields: false) would move field initialisers above super() in jose's
// error classes, which then throw a ReferenceError instead of e.g. JWTExpired.
const { createHash } = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  useDefineForClassFields: true,
  allowJs: true,
  esModuleInterop: true,
  inlineSourceMap: true,
};

module.exports = {
  process(source, fileName) {
    return { code: ts.transpileModule(source, { fileName, compilerOptions }).outputText };
  },
  getCacheKey(source, fileName) {
    return createHash('sha256').update(`esm-dependency-transformer v1\0${fileName}\0${source}`).digest('hex');
  },
};
