/**
 * Set to a file path, the Vitest and Jest reporters write their JSON report there and no other report file
 * (HTML, JUnit, the GitHub step summary): how `perfspec compare` reads each round's runs without touching
 * the project's own reports.
 */
export const JSON_REPORT_ENV = 'PERFSPEC_JSON_REPORT'
