import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { compareWithBaseline, toBaselineEntry } from '../../src/orchestration/baseline/judge-baseline.ts'
import { describeMachine } from '../../src/orchestration/baseline/machine.ts'
import { runComparison } from '../../src/orchestration/compare-runs.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { stressTest } from '../../src/orchestration/stress-test.ts'
import { renderHtmlReport } from '../../src/presentation/report/html/report.ts'
import type { ReportRow } from '../../src/presentation/report/rows.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'
import { hasChromium, launchChromium } from './chromium.ts'

const OUT = path.resolve(fileURLToPath(import.meta.url), '../../../test-output/browser')
const inCI = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false'
// In CI a missing Chromium is a failure (.ci/run installs it); on a laptop without it, the test says why it skips.
const runs = hasChromium || inCI

/** 2–6 ms per request, one in 40 answered 500; /queue serves 3 at a time, 15 ms each (a break point to find). */
function handler(): Parameters<typeof startServer>[0] {
  let count = 0
  let busy = 0
  const waiting: (() => void)[] = []
  return (request, response) => {
    count++
    if (request.url === '/queue') {
      const serve = () => {
        busy++
        setTimeout(() => {
          response.end('ok')
          busy--
          waiting.shift()?.()
        }, 15)
      }
      if (busy < 3) serve()
      else waiting.push(serve)
      return
    }
    setTimeout(
      () => {
        response.statusCode = count % 40 === 0 ? 500 : 200
        response.end('ok')
      },
      2 + (count % 5),
    )
  }
}

async function buildRows(server: TestServer): Promise<ReportRow[]> {
  const load = await loadTest({
    url: `${server.url}/products?token=x`,
    name: 'products </script><b>bold</b>',
    users: 2,
    // 3 s: long enough for lines over time (a shorter run draws its seconds as points).
    duration: '3s',
    thresholds: { maxP95Ms: 1000, http_req_duration: ['p(99)<1'] },
  })
  const stored = toBaselineEntry(load, describeMachine())
  stored.p95 = load.metrics.responseTimes.p95 / 2
  const stress = await stressTest({
    url: `${server.url}/queue`,
    startUsers: 1,
    stepUsers: 2,
    maxUsers: 9,
    stepDuration: '400ms',
  })
  const comparison = await runComparison({
    'one user': { url: `${server.url}/products`, users: 1, duration: '700ms' },
    'four users': { url: `${server.url}/products`, users: 4, duration: '700ms' },
  })
  return [
    {
      file: 'api.perf.test.ts',
      test: 'products <img src=x onerror=alert(1)> stay fast',
      state: 'failed',
      result: load,
      baseline: {
        key: 'products',
        file: '__perf__/api.perf.test.ts.perf.json',
        comparison: compareWithBaseline(stored, load),
      },
    },
    { file: 'api.perf.test.ts', test: 'queue capacity', state: 'passed', result: stress },
    { file: 'compare.perf.test.ts', test: 'one user against four', state: 'passed', result: comparison },
  ]
}

/** What the page reports about each result section's charts. */
async function chartsBySection(page: Page) {
  return page.$$eval('section.result', (sections) =>
    sections.map((section) => ({
      kind: section.getAttribute('data-kind'),
      charts: [...section.querySelectorAll('svg')].map((svg) => {
        const box = svg.getBoundingClientRect()
        const lines = [...svg.querySelectorAll('polyline')].map(
          (line) => (line.getAttribute('points') ?? '').trim().split(/\s+/).length,
        )
        const bars = [...svg.querySelectorAll('rect.bar')].filter(
          (bar) => bar.getBoundingClientRect().width > 0,
        )
        return {
          width: box.width,
          height: box.height,
          lines,
          dots: svg.querySelectorAll('circle').length,
          bars: bars.length,
        }
      }),
    })),
  )
}

describe.skipIf(!runs)('the HTML report in headless Chromium', () => {
  let server: TestServer
  let file: string
  let browser: Awaited<ReturnType<typeof launchChromium>>
  const problems: string[] = []

  beforeAll(async () => {
    server = await startServer(handler())
    const rows = await buildRows(server)
    await server.close()
    await mkdir(OUT, { recursive: true })
    file = path.join(OUT, 'report.html')
    await writeFile(
      file,
      renderHtmlReport(rows, { machine: describeMachine(), runner: 'vitest (browser test)' }),
    )
    browser = await launchChromium()
    browser.context.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`)
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  async function open(colorScheme: 'light' | 'dark'): Promise<Page> {
    const page = await browser.context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    await page.emulateMedia({ colorScheme })
    await page.goto(pathToFileURL(file).href)
    return page
  }

  test('loads with no console error, script error or network request', async () => {
    const page = await open('light')
    await page.close()
    expect(problems).toEqual([])
  })

  test("draws every result's charts with data", async () => {
    const page = await open('light')
    const sections = await chartsBySection(page)
    await page.close()
    expect(sections.map((section) => section.kind)).toEqual(['load', 'stress', 'comparison'])
    for (const { charts } of sections) {
      expect(charts.length).toBeGreaterThan(0)
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(100)
        expect(chart.height).toBeGreaterThan(50)
        // A line chart has a line of several points; a bar chart has visible bars.
        expect(Math.max(0, ...chart.lines) > 1 || chart.bars > 0).toBe(true)
      }
    }
    const [load, stress, comparison] = sections
    // latency over time, throughput and errors, distribution, and the app's CPU (its server runs in this test)
    expect(load?.charts).toHaveLength(4)
    expect(stress?.charts).toHaveLength(2) // latency and throughput by users
    expect(stress?.charts[0]?.dots).toBeGreaterThan(1)
    expect(comparison?.charts.filter((chart) => chart.bars === 2)).toHaveLength(6) // a bar per configuration and metric
  })

  test('marks the stress break point and keeps user text as text', async () => {
    const page = await open('light')
    const markers = await page.locator('section[data-kind="stress"] .marker').count()
    const injected = await page.locator('img, [onerror]').count()
    const title = await page.locator('section[data-kind="load"] h2').textContent()
    await page.close()
    expect(markers).toBeGreaterThan(0)
    expect(injected).toBe(0)
    expect(title).toBe('products <img src=x onerror=alert(1)> stay fast')
  })

  test('shows every series at the point under the pointer', async () => {
    const page = await open('light')
    const chart = page.locator('section[data-kind="load"] svg.plot').first()
    const box = await chart.boundingBox()
    if (box === null) throw new Error('the latency chart has no box')
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5)
    const tip = page.locator('#tip')
    await expect.poll(() => tip.isVisible()).toBe(true)
    const text = await tip.textContent()
    await page.screenshot({
      path: path.join(OUT, 'report-tooltip.png'),
      clip: { x: box.x, y: box.y - 40, width: box.width + 140, height: box.height + 80 },
    })
    await page.close()
    expect(text).toMatch(/^second \d+\np50: [\d.]+ ms\np95: [\d.]+ ms\np99: [\d.]+ ms$/)
  })

  test('reads in light and dark mode (screenshots in test-output/browser/)', async () => {
    const backgrounds: string[] = []
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(scheme)
      backgrounds.push(String(await page.evaluate('getComputedStyle(document.body).backgroundColor')))
      await page.screenshot({ path: path.join(OUT, `report-${scheme}.png`), fullPage: true })
      await page.close()
    }
    const luminance = (rgb: string) =>
      (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, v) => sum + Number(v), 0)
    expect(luminance(backgrounds[0] ?? '')).toBeGreaterThan(600)
    expect(luminance(backgrounds[1] ?? '')).toBeLessThan(150)
    expect(problems).toEqual([])
  })
})
