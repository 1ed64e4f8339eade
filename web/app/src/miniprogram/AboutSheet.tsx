import { useTranslation } from "react-i18next";
import { Sheet } from "../components/Sheet";
import type { Launch } from "./asks";

/** About the app and its developer (the capsule's "About"). */
export function AboutSheet({ launch, settle }: { launch: Launch; settle(closed: boolean): void }) {
  const { t } = useTranslation();
  return (
    <Sheet open onOpenChange={(open) => !open && settle(true)} title={launch.name}>
      <dl className="host-facts">
        <dt>{t("host.about.developer")}</dt>
        <dd>{launch.developer}</dd>
        <dt>{t("host.about.version")}</dt>
        <dd>
          {launch.trial ? t("host.about.trial", { version: launch.version }) : launch.version}
        </dd>
        <dt>{t("host.about.appId")}</dt>
        <dd>
          <code>{launch.app_id}</code>
        </dd>
      </dl>
      <p className="muted small">{t("host.about.grants")}</p>
    </Sheet>
  );
}
