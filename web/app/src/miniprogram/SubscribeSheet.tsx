import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Sheet } from "../components/Sheet";
import type { Template } from "./asks";

/** Allow a mini-program one message per template (each template accepted or not). */
export function SubscribeSheet({
  appName,
  templates,
  settle,
}: {
  appName: string;
  templates: Template[];
  settle(accepted: string[] | null): void;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>(templates.map((template) => template.id));
  function toggle(id: string, on: boolean) {
    setChosen((ids) => (on ? [...ids, id] : ids.filter((other) => other !== id)));
  }
  return (
    <Sheet
      open
      onOpenChange={(open) => !open && settle(null)}
      title={t("host.subscribe.title", { name: appName })}
      description={t("host.subscribe.intro")}
    >
      <fieldset className="stack">
        <legend className="visually-hidden">{t("host.subscribe.templates")}</legend>
        {templates.map((template) => (
          <label key={template.id} className="row">
            <input
              type="checkbox"
              checked={chosen.includes(template.id)}
              onChange={(event) => toggle(template.id, event.target.checked)}
            />
            {template.title}
          </label>
        ))}
      </fieldset>
      <button type="button" className="primary" onClick={() => settle(chosen)}>
        {t("host.subscribe.confirm")}
      </button>
    </Sheet>
  );
}
