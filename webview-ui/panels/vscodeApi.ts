// The webview side of VS Code's panel API, typed for what the panels use.
export interface VsCodeApi<State, Message> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State, Message>(): VsCodeApi<State, Message>;

export function vscodeApi<State, Message>(): VsCodeApi<State, Message> {
  return acquireVsCodeApi<State, Message>();
}

/** The nonce this page's script was allowed with, so styles injected later are allowed too. */
export function pageNonce(): string | undefined {
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
}
