// « Déjà connu » while the operator types: after a pause on the phone, name or commune fields of
// the intake form, the server's fragment replaces the notice. The same check runs on submit, so
// without JavaScript nothing is lost.
export function enhanceDuplicates(root: Document = document): void {
  const form = root.querySelector<HTMLFormElement>('form.intake');
  const target = root.getElementById('deja-connu');
  if (!form || !target) return;
  const field = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const check = async () => {
    const params = new URLSearchParams({
      phone: field('phone')?.value ?? '',
      lastName: field('lastName')?.value ?? '',
      commune: field('commune')?.value ?? '',
    });
    const key = params.toString();
    if (key === last) return;
    last = key;
    try {
      const res = await fetch(`/console/doublons?${key}`, { credentials: 'same-origin' });
      if (!res.ok || key !== last) return;
      const html = await res.text();
      const holder = document.createElement('div');
      holder.innerHTML = html;
      const fresh = holder.querySelector('#deja-connu');
      if (fresh) target.innerHTML = fresh.innerHTML;
    } catch {
      // Offline or refused: the check on submit remains.
    }
  };
  for (const name of ['phone', 'lastName', 'commune'])
    field(name)?.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void check(), 350);
    });
}
