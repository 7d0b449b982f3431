// Escaping of user text for HTML and for the SVG the reporter writes itself (one rule for both).

/** Escapes text for HTML/XML text and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
