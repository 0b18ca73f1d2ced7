// The API module loads first: it picks the transport and takes a session token out of the
// address bar before the router reads the hash.
import './api';
import './app/styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<App />);
