import type { ChildProcess } from 'node:child_process'

/** What a child process printed, and how it ended. */
export interface ProcessOutput {
  code: number | null
  stdout: string
  stderr: string
}

/** The child, and its output once it has closed: tests that signal a child mid-run keep both. */
export function collectOutput(child: ChildProcess): { child: ChildProcess; done: Promise<ProcessOutput> } {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const done = new Promise<ProcessOutput>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  return { child, done }
}
