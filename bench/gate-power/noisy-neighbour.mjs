// The gate-power bench's noisy neighbour: one process per core that burns CPU in random bursts of 50–500 ms,
// busy about DUTY of the time (0.3), idle in between for a random stretch. Runs until killed.
import { fork } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

const DUTY = Number(process.env.NOISE_DUTY ?? 0.3)

function burnLoop() {
  const burstMs = 50 + Math.random() * 450
  const until = performance.now() + burstMs
  while (performance.now() < until) {}
  // Idle so that busy time is DUTY of the whole on average: idle = burst × (1 − DUTY) / DUTY, randomized.
  const idleMs = burstMs * ((1 - DUTY) / DUTY) * (0.5 + Math.random())
  setTimeout(burnLoop, idleMs)
}

/** Starts one burner per core; `stop()` kills them all. */
export function startNoisyNeighbour(cores = availableParallelism()) {
  const children = Array.from({ length: cores }, () =>
    fork(fileURLToPath(import.meta.url), ['--burn'], { stdio: 'ignore' }),
  )
  return {
    stop() {
      for (const child of children) child.kill('SIGKILL')
    },
  }
}

if (process.argv.includes('--burn')) {
  // Orphaned (the bench died): stop too.
  process.on('disconnect', () => process.exit(0))
  burnLoop()
}
