/** What went wrong or is worth knowing about one row, as a plain sentence. */
export interface RowNote {
  level: 'failure' | 'info' | 'warning'
  text: string
  /** A one-line form for the terminal, where the whole text would be one of many long paragraphs. */
  brief?: string
}
