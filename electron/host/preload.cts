// The preload (sandboxed, CommonJS): exposes exactly the typed channel of shared/api.ts as
// window.signet, and nothing else: no ipcRenderer, no Node.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

type Listener = (e: unknown) => void;

contextBridge.exposeInMainWorld('signet', {
  call: (name: string, args: unknown): Promise<unknown> => ipcRenderer.invoke('signet:call', String(name), args),
  onProgress: (listener: Listener): (() => void) => {
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on('signet:progress', wrapped);
    return () => { ipcRenderer.removeListener('signet:progress', wrapped); };
  },
});
