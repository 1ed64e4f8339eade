import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Sheet } from "../components/Sheet";
import type { SubscribeChoice, Template } from "./asks";

type Mode = "once" | "always" | "no";
const MODES: Mode[] = ["once", "always", "no"];

/** Allow a mini-program messages, per template: one message, every message until turned off
 * in Me → Mini-program permissions, or none. */
export function SubscribeSheet({
  appName,
  templates,
  settle,
}: {
  appName: string;
  templates: Template[];
  settle(choice: SubscribeChoice | null): void;
}) {
  const { t } = useTranslation();
  const [modes, setModes] = useState<Record<string, Mode>>(() =>
    Object.fromEntries(templates.map((template) => [template.id, "once" as Mode])),
  );
  function done() {
    const chosen = (mode: Mode) => templates.filter((tpl) => modes[tpl.id] === mode);
    settle({
      once: chosen("once").map((tpl) => tpl.id),
      always: chosen("always").map((tpl) => tpl.id),
    });
  }
  return (
    <Sheet
      open
      onOpenChange={(open) => !open && settle(null)}
      title={t("host.subscribe.title", { name: appName })}
      description={t("mpAccess.subscribeIntro")}
    >
      <div className="stack">
        {templates.map((template) => (
          <fieldset key={template.id} className="subscribe-template">
            <legend>{template.title}</legend>
            <div className="subscribe-modes">
              {MODES.map((mode) => (
                <label key={mode} className="subscribe-mode">
                  <input
                    type="radio"
                    name={`subscribe-${template.id}`}
                    value={mode}
                    checked={modes[template.id] === mode}
                    onChange={() => setModes((all) => ({ ...all, [template.id]: mode }))}
                  />
                  {t(`mpAccess.mode.${mode}`)}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
      </div>
      <p className="muted small">{t("mpAccess.alwaysHint")}</p>
      <button type="button" className="primary" onClick={done}>
        {t("host.subscribe.confirm")}
      </button>
    </Sheet>
  );
}
