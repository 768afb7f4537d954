// « Utiliser ma position »: shown only when the browser can locate; fills the hidden lat/lon of
// the filter form and submits it. Without JavaScript the typed « Près de » field does the job.
export function enhanceGeolocation(root: Document = document): void {
  const form = root.querySelector<HTMLFormElement>('form[data-filters]');
  const button = form?.querySelector<HTMLButtonElement>('[data-geolocate]');
  if (!form || !button || !('geolocation' in navigator)) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const set = (name: string, value: string) => {
          const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
          if (input) input.value = value;
        };
        // Three decimals (~100 m) is plenty to sort by distance; no need to send more.
        set('lat', pos.coords.latitude.toFixed(3));
        set('lon', pos.coords.longitude.toFixed(3));
        set('pres', '');
        const sort = form.querySelector<HTMLSelectElement>('select[name="tri"]');
        if (sort) sort.value = 'proches';
        form.submit();
      },
      () => {
        button.disabled = false;
      },
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
    );
  });
}
