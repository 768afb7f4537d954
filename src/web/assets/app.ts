// Small enhancements only: every page works without this script.

// Move focus to the error summary of a form that came back with errors (RGAA 11.10).
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector<HTMLElement>('[data-autofocus]');
  if (summary) summary.focus();
});
