// Loads the WebAssembly app. A separate file because the Content-Security-Policy forbids inline script.
import init from './baton_web.js';

init().catch((error) => {
  console.error('Baton failed to start', error);
  const message = document.createElement('p');
  message.className = 'fatal';
  message.textContent = 'Baton could not start in this browser. Please reload the page.';
  document.body.append(message);
});
