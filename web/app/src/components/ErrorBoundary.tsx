import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";
import i18next from "../i18n";

/** A crash in a screen shows a message and a reload, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div role="alert" className="error-view">
        <p>{i18next.t("errors.crashed")}</p>
        <button type="button" onClick={() => window.location.reload()}>
          {i18next.t("common.reload")}
        </button>
      </div>
    );
  }
}
