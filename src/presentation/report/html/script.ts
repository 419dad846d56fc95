// The report's only script, inlined and constant (no data in it): a tooltip that shows every series' value
// at the point under the pointer. It reads each chart's `data-chart` attribute and writes with textContent.
export const SCRIPT = `(() => {
  const tip = document.getElementById('tip')
  const fmt = (v) => (v === null ? '–' : Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3))))
  for (const svg of document.querySelectorAll('svg[data-chart]')) {
    const d = JSON.parse(svg.getAttribute('data-chart'))
    const guide = svg.querySelector('.guide')
    const [left, width] = d.b
    const [x0, x1] = d.xr
    const px = (x) => (x1 === x0 ? left + width / 2 : left + ((x - x0) / (x1 - x0)) * width)
    svg.addEventListener('mousemove', (event) => {
      const box = svg.getBoundingClientRect()
      const at = ((event.clientX - box.left) / box.width) * svg.viewBox.baseVal.width
      let best = 0
      d.x.forEach((x, i) => {
        if (Math.abs(px(x) - at) < Math.abs(px(d.x[best]) - at)) best = i
      })
      const x = px(d.x[best])
      guide.setAttribute('x1', x)
      guide.setAttribute('x2', x)
      guide.style.visibility = 'visible'
      const lines = [(d.xu === 's' ? 'second ' : '') + fmt(d.x[best]) + (d.xu === 's' ? '' : ' ' + d.xu)]
      d.n.forEach((name, i) => lines.push(name + ': ' + fmt(d.s[i][best] ?? null) + ' ' + d.u))
      tip.textContent = lines.join('\\n')
      tip.hidden = false
      tip.style.left = event.pageX + 14 + 'px'
      tip.style.top = event.pageY + 14 + 'px'
    })
    svg.addEventListener('mouseleave', () => {
      tip.hidden = true
      guide.style.visibility = 'hidden'
    })
  }
})()`
