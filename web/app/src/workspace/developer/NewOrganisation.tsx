import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { OneLineForm } from "../../components/Form";
import { api, ok, type Schemas } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { useMe } from "../../screens/useMe";
import type { Team } from "../useTeams";

type TeamsPage = Schemas["PaginatedWorkspaceTeamOutputList"];

export const CREATE_ORGANISATION = ["workspace", "create-organisation"];

/** On the team picker: start a developer organisation (anyone may), and go to its apps. */
export function NewOrganisation() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const notify = useToast();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationKey: CREATE_ORGANISATION,
    mutationFn: () => ok(api.POST("/api/v1/dev/organisations", { body: { name: name.trim() } })),
    onSuccess: (organisation) => {
      // The new team is known at once (the picker would otherwise jump to a sole team's page),
      // then the list is read again from the server.
      const team: Team = {
        kind: "organisation",
        id: organisation.id,
        name: organisation.name,
        role: "owner",
      };
      queryClient.setQueryData<TeamsPage>(["teams"], (page) =>
        page ? { ...page, results: [...page.results, team] } : page,
      );
      navigate(`/workspace/organisation/${organisation.id}/apps`);
      void queryClient.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="new-organisation-heading" className="padded">
      <h2 id="new-organisation-heading">{t("developer.organisation.new")}</h2>
      <p className="muted">{t("developer.organisation.hint")}</p>
      <OneLineForm
        label={t("developer.organisation.name")}
        required
        maxLength={100}
        value={name}
        onChange={setName}
        onSubmit={() => create.mutate()}
        button={t("developer.organisation.create")}
        disabled={create.isPending || !name.trim()}
      />
    </section>
  );
}

/** For platform staff only: the way to the review queue and brand verification. */
export function ReviewEntry() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.data?.is_staff) return null;
  return (
    <ul className="list">
      <li>
        <Link className="row" to="/workspace/review">
          <span className="row-main">
            <span className="row-title">{t("developer.review.title")}</span>
            <span className="row-sub">{t("developer.review.entryHint")}</span>
          </span>
        </Link>
      </li>
    </ul>
  );
}
