// Small enhancements only: every page works without this script.
import { enhanceDuplicates } from './duplicates.ts';
import { enhanceGeolocation } from './geolocate.ts';
import { enhanceThread } from './live-thread.ts';

document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary of a form that came back with errors (RGAA 11.10).
  const summary = document.querySelector<HTMLElement>('[data-autofocus]');
  if (summary) summary.focus();
  enhanceGeolocation();
  enhanceThread();
  enhanceDuplicates();
});
