/**
 * `{{var}}` templates, parsed once: `strings` around `vars` (`strings.length === vars.length + 1`), plain data
 * so they travel to worker threads. A template without vars is static: its one string is the text.
 */
export interface Template {
  strings: string[]
  vars: string[]
}

/** What a template reads: the user's vars, then the built-ins `user` and `iteration`. */
export interface TemplateScope {
  user: number
  iteration: number
  vars: Record<string, unknown>
}

const VAR_PATTERN = /\{\{\s*([A-Za-z_$][\w$]*)\s*\}\}/g

/** Splits `text` at its `{{name}}` placeholders (spaces inside the braces allowed). */
export function parseTemplate(text: string): Template {
  const strings: string[] = []
  const vars: string[] = []
  let from = 0
  for (const match of text.matchAll(VAR_PATTERN)) {
    strings.push(text.slice(from, match.index))
    vars.push(match[1]!)
    from = match.index + match[0].length
  }
  strings.push(text.slice(from))
  return { strings, vars }
}

export function isStaticTemplate(template: Template): boolean {
  return template.vars.length === 0
}

/** The value of a var as text, or undefined when the scope has no such var. */
export function lookupVar(scope: TemplateScope, name: string): string | undefined {
  const value = Object.hasOwn(scope.vars, name)
    ? scope.vars[name]
    : name === 'user'
      ? scope.user
      : name === 'iteration'
        ? scope.iteration
        : undefined
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}

/** Thrown by renderTemplate for a var the scope lacks; the engine counts it as a `template` failure. */
export class MissingVarError extends Error {
  readonly code = 'PERF_TEMPLATE_VAR'
  readonly varName: string

  constructor(varName: string, where: string) {
    super(`{{${varName}}} in ${where} names no var (captures, data row, user, iteration)`)
    this.name = 'MissingVarError'
    this.varName = varName
  }
}

/**
 * Renders a template. `encode` transforms each var's text (JSON string escaping inside a JSON body);
 * `where` names the place in the error of a missing var.
 */
export function renderTemplate(
  template: Template,
  scope: TemplateScope,
  where: string,
  encode?: (text: string) => string,
): string {
  const { strings, vars } = template
  let text = strings[0]!
  for (let i = 0; i < vars.length; i++) {
    const value = lookupVar(scope, vars[i]!)
    if (value === undefined) throw new MissingVarError(vars[i]!, where)
    text += (encode === undefined ? value : encode(value)) + strings[i + 1]!
  }
  return text
}

/** Escapes text for the inside of a JSON string literal. */
export function escapeJsonString(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}

/** True when a value (a body object, at any depth) holds a `{{var}}` in a string. */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return !isStaticTemplate(parseTemplate(value))
  if (Array.isArray(value)) return value.some(hasTemplate)
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    return Object.entries(value).some(([key, field]) => hasTemplate(key) || hasTemplate(field))
  }
  return false
}
