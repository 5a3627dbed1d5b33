/**
 * One leaderboard panel: a chart and a table. Every value reaches the page through textContent or the
 * chart's canvas, never as HTML, so a team called `<script>…` is shown as those characters.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { MetricDefinition } from '../../../common/contract/metrics';
import { BOARD_VIEWS, COLUMN_FORMATS, COLUMN_HEADINGS, formatCell, formatValue } from '../board-views';
import type { PublishedBoard } from '../board-state';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const ACCENTS: Record<string, string> = {
  top_teams: '#2e90fa',
  top_players: '#7a5af8',
  hot_streaks: '#f04438',
  team_mvps: '#12b76a',
  suspected_bots: '#f79009',
};

const MAX_LABEL = 22;
const BAR_PITCH_PX = 21;
const AXIS_PX = 40;
const FLASH_MS = 900;
const WAITING_TEXT = 'Waiting for data…';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function shorten(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

export class Panel {
  readonly root: HTMLElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly note: HTMLElement;
  private readonly chart: Chart<'bar', number[], string>;
  private readonly chartBox: HTMLElement;
  private readonly empty: HTMLElement;
  private previous = new Map<number, string>();
  private rendered = false;

  constructor(private readonly metric: MetricDefinition) {
    const view = BOARD_VIEWS[metric.id];
    const accent = ACCENTS[metric.id] ?? '#475467';
    this.root = el('section', 'panel');
    this.root.dataset.board = metric.id;
    this.root.style.setProperty('--accent', accent);
    const header = el('header');
    header.append(el('h2', undefined, metric.title));
    this.note = el('span', 'note');
    header.append(this.note);
    this.root.append(header);

    const chartBox = el('div', 'chart-box');
    this.chartBox = chartBox;
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${metric.title}: ${view.chartLabel}`);
    chartBox.append(canvas);
    this.root.append(chartBox);

    const wrap = el('div', 'table-wrap');
    const table = el('table');
    const head = el('tr');
    for (const column of metric.columns) {
      const th = el('th', this.cellClass(column.name, column.type === 'STRING' ? '' : 'num'), COLUMN_HEADINGS[column.name] ?? column.name);
      th.scope = 'col';
      head.append(th);
    }
    table.createTHead().append(head);
    this.tbody = table.createTBody();
    wrap.append(table);
    this.root.append(wrap);
    this.empty = el('p', 'empty', WAITING_TEXT);
    this.root.append(this.empty);
    this.root.classList.add('is-empty');

    const percent = view.valueFormat === 'ratio-percent';
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: view.chartLabel, data: [], backgroundColor: `${accent}cc`, borderRadius: 4, maxBarThickness: 18 }] },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 250 },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => `${view.chartLabel}: ${formatValue(view.valueFormat, ctx.parsed.x)}` } },
        },
        scales: {
          x: {
            beginAtZero: true,
            ...(percent ? { max: 1 } : {}),
            ticks: { callback: (value) => (percent ? `${Math.round(Number(value) * 100)} %` : Number(value).toLocaleString('en-US')), maxTicksLimit: 6 },
          },
          y: { ticks: { autoSkip: false, font: { size: 11 } } },
        },
      },
    });
  }

  private cellClass(column: string, kind: string): string {
    const secondary = BOARD_VIEWS[this.metric.id].secondaryColumns.includes(column) ? ' secondary' : '';
    return `col-${column}${kind ? ` ${kind}` : ''}${secondary}`;
  }

  /** `loaded` false: the source has not delivered a complete state yet, so no rows means no data yet. */
  render(board: PublishedBoard, loaded: boolean): void {
    const view = BOARD_VIEWS[this.metric.id];
    this.empty.textContent = loaded ? view.emptyText : WAITING_TEXT;
    const rows = board.rows as unknown as Record<string, string | number>[];
    this.root.classList.toggle('is-empty', rows.length === 0);
    this.root.dataset.updatedAt = board.updatedAt ?? '';
    this.note.textContent = board.consistent ? '' : `ranks settling: ${board.inconsistency ?? ''}`;
    this.note.classList.toggle('settling', !board.consistent);

    const next = new Map<number, string>();
    const fragment = document.createDocumentFragment();
    for (const row of rows) {
      const rank = row.rnk as number;
      const key = JSON.stringify(row);
      next.set(rank, key);
      const tr = el('tr');
      tr.dataset.rank = String(rank);
      if (this.rendered && this.previous.get(rank) !== key) {
        tr.classList.add('changed');
        tr.dataset.changed = 'true';
      }
      for (const column of this.metric.columns) {
        const numeric = COLUMN_FORMATS[column.name] !== undefined;
        const td = el('td', this.cellClass(column.name, numeric ? 'num' : 'text'), formatCell(column.name, row[column.name]));
        if (!numeric) td.title = String(row[column.name]);
        tr.append(td);
      }
      fragment.append(tr);
    }
    this.tbody.replaceChildren(fragment);
    // Removing the class starts the fade (a CSS transition), so the end state is always repainted.
    const changed = Array.from(this.tbody.querySelectorAll('tr.changed'));
    if (changed.length > 0) setTimeout(() => changed.forEach((tr) => tr.classList.remove('changed')), FLASH_MS);
    this.previous = next;
    this.rendered = true;

    // Bars keep one thickness whatever the number of rows; the chart grows with the board instead.
    this.chartBox.style.height = `${Math.max(rows.length, 3) * BAR_PITCH_PX + AXIS_PX}px`;
    this.chart.data.labels = rows.map((row) => shorten(String(row[view.labelColumn])));
    this.chart.data.datasets[0].data = rows.map((row) => row[view.valueColumn] as number);
    this.chart.update();
  }
}
