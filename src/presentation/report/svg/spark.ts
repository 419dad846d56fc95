import { resampleMax } from '../sparkline.ts'
import { coord, linearScale } from './scale.ts'

const WIDTH = 80
const HEIGHT = 18

/** A word-sized line of a series (at most `points`, each the highest of its share), scaled from 0. Pure. */
export function renderSparkSvg(values: readonly number[], points = 30): string {
  const series = resampleMax(values, points).map((value) => (Number.isFinite(value) && value > 0 ? value : 0))
  if (series.length === 0) return ''
  const max = Math.max(...series)
  const sx = linearScale(0, Math.max(1, series.length - 1), 1, WIDTH - 1)
  const sy = linearScale(0, max === 0 ? 1 : max, HEIGHT - 2, 2)
  const line = series.map((value, index) => `${coord(sx(index))},${coord(sy(value))}`).join(' ')
  const shape =
    series.length === 1
      ? `<circle class="dot s2" cx="${coord(WIDTH / 2)}" cy="${coord(sy(series[0]!))}" r="2"/>`
      : `<polyline class="line s2" points="${line}"/>`
  return `<svg class="spark" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" aria-hidden="true">${shape}</svg>`
}
