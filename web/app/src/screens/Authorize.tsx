import { useMutation, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { ConsentSheet } from "../miniprogram/ConsentSheet";

/** The parameters of an authorization request the app passes on (as /o/authorize/ got them). */
const PARAMETERS = [
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
  "nonce",
] as const;

type Request = { client_id: string; response_type: string } & Partial<
  Record<(typeof PARAMETERS)[number], string>
>;

function requestOf(search: URLSearchParams): Request {
  const entries = PARAMETERS.flatMap((name) => {
    const value = search.get(name);
    return value ? [[name, value] as const] : [];
  });
  return { client_id: "", response_type: "", ...Object.fromEntries(entries) };
}

/** /authorize: the OAuth consent page. /o/authorize/ sends a client's authorization request
 * here; the signed-in person sees the app and what it asks for, and allows or denies. */
export default function AuthorizeScreen() {
  const { t } = useTranslation();
  const [search] = useSearchParams();
  const request = requestOf(search);
  const shown = useQuery({
    queryKey: ["oauth", "authorize", request],
    queryFn: () => ok(api.GET("/api/v1/oauth/authorize", { params: { query: request } })),
    retry: false,
    staleTime: Infinity,
  });
  const decide = useMutation({
    mutationFn: (allow: boolean) =>
      ok(api.POST("/api/v1/oauth/authorize", { body: { ...request, allow } })),
    onSuccess: ({ redirect_to }) => window.location.assign(redirect_to),
  });
  const failure = shown.error ?? decide.error;
  return (
    <>
      <TopBar title={t("authorize.title")} />
      {failure ? (
        <ErrorView error={failure} retry={() => void shown.refetch()} />
      ) : !shown.data || decide.isPending || decide.isSuccess ? (
        <Loading />
      ) : (
        <ConsentSheet
          appName={shown.data.name}
          scopes={shown.data.scopes.filter((scope) => scope !== "openid")}
          settle={(allowed) => decide.mutate(allowed)}
        />
      )}
    </>
  );
}
