/** Reads `/metrics` of a test server with the scraper's token. */
export async function scrape(origin: string, token: string): Promise<string> {
  const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** The sample lines (no # HELP / # TYPE) of the Gatehouse metrics. */
export function gatehouseSeries(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('gatehouse_'));
}

/** The value of one series, e.g. `gatehouse_logins_total{outcome="success"}`; 0 when it is absent. */
export function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
