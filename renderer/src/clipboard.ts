// Copying text for the user: the Clipboard API where the page may use it, else the older
// selection copy, which needs no permission (the Electron host grants none). Rejects in words
// when neither works, so the screen can say to select and copy by hand.
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not allowed here: try the selection.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('The clipboard is not available here: select the text and copy it.');
}
