import { useTranslation } from "react-i18next";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { useCurrentTeam } from "../useTeams";
import { useProgram } from "./useLoyalty";
import { ProgramRules, StartProgram, Tiers } from "./ProgramSettings";
import { Rewards } from "./Rewards";
import { SegmentEditor } from "./SegmentEditor";
import { Campaigns } from "./Campaigns";

/** The brand's loyalty program for its managers: rules, tiers, rewards, segments, campaigns. */
export default function LoyaltyScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const program = useProgram(team?.id ?? 0);
  if (!team || program.isPending) return <Loading />;
  if (program.isError) {
    return <ErrorView error={program.error} retry={() => void program.refetch()} />;
  }
  return (
    <>
      <TopBar title={t("loyaltyWorkspace.title")} />
      {program.data === null ? (
        <StartProgram brandId={team.id} />
      ) : (
        <>
          <ProgramRules brandId={team.id} program={program.data} />
          <Tiers brandId={team.id} program={program.data} />
          <Rewards brandId={team.id} program={program.data} />
          <SegmentEditor brandId={team.id} program={program.data} />
          <Campaigns brandId={team.id} brandName={team.name} />
        </>
      )}
    </>
  );
}
