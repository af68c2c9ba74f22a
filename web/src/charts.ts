// Charts with Chart.js (bundled, tree-shaken to the parts used here).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type TooltipItem,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);
// Charts are redrawn on data changes; no animation keeps "ready" deterministic and cheap.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const charts = new Map<HTMLCanvasElement, Chart<any>>();

function draw(canvas: HTMLCanvasElement, config: ConstructorParameters<typeof Chart<any>>[1]) {
  charts.get(canvas)?.destroy();
  charts.set(canvas, new Chart(canvas, config));
}

const COLORS = {
  receivable: '#2563eb',
  payable: '#d97706',
  in: '#16a34a',
  out: '#dc2626',
  net: '#111827',
};

export function agingChart(
  canvas: HTMLCanvasElement,
  labels: string[],
  receivable: number[],
  payable: number[],
  fmt: (v: number) => string,
) {
  draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Receivable', data: receivable, backgroundColor: COLORS.receivable },
        { label: 'Payable', data: payable, backgroundColor: COLORS.payable },
      ],
    },
    options: {
      responsive: true,
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (c: TooltipItem<'bar'>) => `${c.dataset.label}: ${fmt(c.parsed.y ?? 0)}`,
          },
        },
      },
      scales: { y: { ticks: { callback: (v: number | string) => compact(Number(v)) } } },
    },
  });
}

export function forecastChart(
  canvas: HTMLCanvasElement,
  labels: string[],
  expectedIn: number[],
  expectedOut: number[],
  cumulative: number[],
  fmt: (v: number) => string,
) {
  draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Expected in', data: expectedIn, backgroundColor: COLORS.in },
        {
          type: 'bar',
          label: 'Expected out',
          data: expectedOut.map((v) => -v),
          backgroundColor: COLORS.out,
        },
        {
          type: 'line',
          label: 'Cumulative net',
          data: cumulative,
          borderColor: COLORS.net,
          backgroundColor: COLORS.net,
          pointRadius: 2,
          tension: 0.2,
        },
      ],
    },
    options: {
      responsive: true,
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (c: TooltipItem<'bar'>) => `${c.dataset.label}: ${fmt(c.parsed.y ?? 0)}`,
          },
        },
      },
      scales: {
        x: { stacked: true },
        y: { stacked: false, ticks: { callback: (v: number | string) => compact(Number(v)) } },
      },
    },
  });
}

const compactFmt = new Intl.NumberFormat(undefined, { notation: 'compact' });
const compact = (v: number) => compactFmt.format(v);
