import type { ResolvedLoadOptions } from '../options/resolve.ts'

/** What the engine in one thread reads of a run: the request, the load shape, its own section, the journey. */
export type EngineRunOptions = Pick<ResolvedLoadOptions, 'request' | 'shape' | 'native' | 'journey'>

/** What the native engine reads of a run (never the external tools' section), with the run's signal. */
export type NativeEngineOptions = EngineRunOptions & Pick<ResolvedLoadOptions, 'signal'>
