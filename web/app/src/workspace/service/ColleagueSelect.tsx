import { useTranslation } from "react-i18next";
import { useMe } from "../../screens/useMe";
import { useColleagues } from "./useService";

/** A choice of the brand's other members, by username: whom a conversation or client goes to. */
export function ColleagueSelect({
  brandId,
  value,
  onChange,
}: {
  brandId: number;
  value: string;
  onChange(username: string): void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const colleagues = useColleagues(brandId, me.data?.username);
  return (
    <select
      aria-label={t("cs.service.colleague")}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required
    >
      <option value="">{t("cs.service.pickColleague")}</option>
      {colleagues.data?.map((member) => (
        <option key={member.user_id} value={member.username}>
          {member.display_name} (@{member.username})
        </option>
      ))}
    </select>
  );
}
