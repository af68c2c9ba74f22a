// The 13-week cash-flow forecast card: expected in and out per week by due date (overdue items
// count in the first week) and the running net, every week on the axis.
import { dec, fmt, minor } from './amounts.ts';
import { clearCardError } from './card-error.ts';
import { forecastChart } from './charts.ts';
import { $ } from './dom.ts';
import { formatDate, minorToDecimal } from './format.ts';
import { S } from './state.ts';

const FORECAST_WEEKS = 13;

export async function loadForecast() {
  const found = await S.api.forecast(S.company!.company_id, FORECAST_WEEKS);
  clearCardError('forecast');
  // Every week on the axis, also those with nothing due (the view lists weeks with items).
  const byWeek = new Map(found.map((r) => [formatDate(r.week_start), r]));
  const now = new Date();
  const monday =
    Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) -
    ((now.getDay() + 6) % 7) * 86_400_000;
  const weeks = Array.from({ length: FORECAST_WEEKS }, (_, i) =>
    new Date(monday + i * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  if (found[0] && formatDate(found[0].week_start) < weeks[0])
    weeks.unshift(formatDate(found[0].week_start));
  let running = 0;
  const rows = weeks.map((w) => {
    const r = byWeek.get(w);
    running = r ? minor(r.cumulative_net) : running;
    return {
      week_start: w,
      expected_in: r?.expected_in ?? 0,
      expected_out: r?.expected_out ?? 0,
      overdue_in: r?.overdue_in ?? 0,
      cumulative: running,
    };
  });
  const u = 10 ** dec();
  const inflow = rows.map((r) => minor(r.expected_in));
  const outflow = rows.map((r) => minor(r.expected_out));
  forecastChart(
    $('forecast-chart') as HTMLCanvasElement,
    rows.map((r) => r.week_start.slice(5)),
    inflow.map((v) => v / u),
    outflow.map((v) => v / u),
    rows.map((r) => r.cumulative / u),
    (v) => fmt(Math.round(v * u)),
  );
  const sIn = inflow.reduce((a, b) => a + b, 0);
  const sOut = outflow.reduce((a, b) => a + b, 0);
  const overdueIn = rows.reduce((a, r) => a + minor(r.overdue_in), 0);
  const summary = $('forecast-summary');
  summary.replaceChildren(
    `Expected in ${fmt(sIn)}, out ${fmt(sOut)}, net ${fmt(sIn - sOut)}`,
    overdueIn ? ` (the first week includes ${fmt(overdueIn)} already overdue)` : '',
  );
  summary.dataset.in = minorToDecimal(sIn, dec());
  summary.dataset.out = minorToDecimal(sOut, dec());
}
