import * as echarts from 'echarts';
import { Html, escapeHtml, html, trusted } from './html';

export const CHART_FONT = 'Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif';

/** Colours with enough contrast on white for text and thin lines. */
const PALETTE = ['#1f5fa8', '#b5452a', '#2f7d4f', '#7a4fa0', '#8a6d0b', '#0f6f7a', '#a23a6d'];

/**
 * A chart drawn on the server to SVG (Apache ECharts' server-side rendering): no script in the
 * page, no asset from elsewhere. The SVG is our own markup from our own numbers; it is labelled for
 * assistive technology, and each chart's numbers are also in a table on the same page.
 */
export function chart(title: string, option: echarts.EChartsCoreOption, size: { width?: number; height?: number } = {}): Html {
  const width = size.width ?? 560;
  const height = size.height ?? 300;
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    instance.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: CHART_FONT, color: '#222' }, ...option });
    const svg = instance.renderToSVGString().replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(title)}" focusable="false" `);
    return html`<figure class="chart"><figcaption>${title}</figcaption>${trusted(svg)}</figure>`;
  } finally {
    instance.dispose();
  }
}

/** A dashed horizontal line across a chart at a policy value (80 %, 10x, the breaker ...). */
export function policyLine(value: number, label: string): object {
  return { yAxis: value, name: label, label: { formatter: label, position: 'insideEndTop', color: '#222' }, lineStyle: { type: 'dashed', color: '#b5452a' } };
}
