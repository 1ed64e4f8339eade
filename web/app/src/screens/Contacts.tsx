import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { ErrorView, Loading, Avatar } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { Sheet } from "../components/Sheet";
import { qrDetectorClass, ScanQrSheet } from "../components/ScanQrSheet";
import { errorText, useToast } from "../components/Toast";
import { useMe } from "./useMe";
import { useOpenDirectChat } from "./useChat";

/** The token of a pasted or scanned contact link (`plaza://contact?token=…`), if it is one. */
export function contactLinkToken(text: string): string | null {
  const match = /^plaza:\/\/contact\?(?:.*&)?token=([^&\s]+)/.exec(text.trim());
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** A username typed by a person, or the user a contact link names. */
async function resolveUsername(text: string): Promise<string> {
  const token = contactLinkToken(text);
  if (!token) return text.trim().replace(/^@/, "");
  const user = await ok(api.GET("/api/v1/users/lookup", { params: { query: { qr: token } } }));
  return user.username;
}

/** What a person may answer to a contact request, in the order of its buttons. */
const ANSWERS = ["accept", "decline"] as const;

export default function ContactsScreen() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const openChat = useOpenDirectChat();
  const me = useMe();
  const [qrOpen, setQrOpen] = useState(false);
  const contacts = useQuery({
    queryKey: ["contacts"],
    queryFn: () =>
      ok(api.GET("/api/v1/contacts", { params: { query: { limit: 100 } } })).then((p) => p.results),
  });
  const requests = useQuery({
    queryKey: ["contacts", "requests"],
    queryFn: () => ok(api.GET("/api/v1/contacts/requests")).then((p) => p.results),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["contacts"] });
  const act = useMutation({
    mutationFn: (call: () => Promise<unknown>) => call(),
    onSuccess: () => refresh(),
    onError: (error) => notify(errorText(error)),
  });
  const [who, setWho] = useState("");
  const [scanning, setScanning] = useState(false);

  const requestContact = (text: string) =>
    act.mutate(
      async () => {
        const to = await resolveUsername(text);
        await ok(api.POST("/api/v1/contacts/requests", { body: { to, message: "" } }));
      },
      {
        onSuccess: () => {
          notify(t("contacts.requestSent"));
          setWho("");
        },
      },
    );

  function add(event: FormEvent) {
    event.preventDefault();
    requestContact(who);
  }

  function scanned(text: string) {
    setScanning(false);
    setWho(text);
    requestContact(text);
  }

  const incoming = (requests.data ?? []).filter(
    (r) => r.status === "pending" && r.to_user.username === me.data?.username,
  );
  return (
    <>
      <TopBar
        title={t("tabs.contacts")}
        actions={
          <>
            {qrDetectorClass() && (
              <button type="button" onClick={() => setScanning(true)}>
                {t("contacts.scan")}
              </button>
            )}
            <button type="button" onClick={() => setQrOpen(true)}>
              {t("contacts.myQr")}
            </button>
          </>
        }
      />
      <form className="inline-form" onSubmit={add}>
        <label htmlFor="find-user">{t("contacts.findLabel")}</label>
        <div className="composer-row">
          <input
            id="find-user"
            value={who}
            onChange={(e) => setWho(e.target.value)}
            placeholder={t("contacts.findPlaceholder")}
          />
          <button type="submit" className="primary" disabled={!who.trim()}>
            {t("contacts.add")}
          </button>
        </div>
      </form>
      {incoming.length > 0 && (
        <section aria-labelledby="requests-heading">
          <h2 id="requests-heading">{t("contacts.requests")}</h2>
          <ul className="list">
            {incoming.map((request) => (
              <li key={request.id} className="row">
                <Avatar name={request.from_user.display_name} />
                <span className="row-main">{request.from_user.display_name}</span>
                {ANSWERS.map((answer) => (
                  <button
                    key={answer}
                    type="button"
                    className={answer === "accept" ? "primary" : undefined}
                    onClick={() =>
                      act.mutate(() =>
                        ok(
                          api.POST(`/api/v1/contacts/requests/{id}/${answer}`, {
                            params: { path: { id: request.id } },
                          }),
                        ),
                      )
                    }
                    aria-label={t(`contacts.${answer}From`, {
                      name: request.from_user.display_name,
                    })}
                  >
                    {t(`contacts.${answer}`)}
                  </button>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">{t("contacts.all")}</h2>
        {contacts.isPending ? (
          <Loading />
        ) : contacts.isError ? (
          <ErrorView error={contacts.error} retry={() => void contacts.refetch()} />
        ) : contacts.data.length === 0 ? (
          <p className="empty">{t("contacts.empty")}</p>
        ) : (
          <ul className="list">
            {contacts.data.map((contact) => (
              <li key={contact.username} className="row">
                <Avatar name={contact.display_name} />
                <span className="row-main">
                  <span className="name">{contact.display_name}</span>
                  <span className="muted small">@{contact.username}</span>
                </span>
                <button
                  type="button"
                  onClick={() => void openChat(contact.username)}
                  aria-label={t("contacts.messageTo", { name: contact.display_name })}
                >
                  {t("contacts.message")}
                </button>
                <button
                  type="button"
                  onClick={() =>
                    act.mutate(() =>
                      ok(
                        api.POST("/api/v1/contacts/blocks", {
                          body: { username: contact.username },
                        }),
                      ),
                    )
                  }
                  aria-label={t("contacts.blockWho", { name: contact.display_name })}
                >
                  {t("contacts.block")}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <MyQr open={qrOpen} onOpenChange={setQrOpen} />
      <ScanQrSheet open={scanning} onOpenChange={setScanning} onScanned={scanned} />
    </>
  );
}

function MyQr({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const { t } = useTranslation();
  const qr = useQuery({
    queryKey: ["me", "qr"],
    enabled: open,
    queryFn: () => ok(api.GET("/api/v1/me/qr")),
  });
  const image = useQuery({
    queryKey: ["me", "qr", "png"],
    enabled: open,
    // The PNG needs the bearer token, so it is fetched and shown as a blob URL.
    queryFn: async () =>
      URL.createObjectURL((await ok(api.GET("/api/v1/me/qr.png", { parseAs: "blob" }))) as Blob),
  });
  return (
    <Sheet
      open={open}
      onOpenChange={onOpenChange}
      title={t("contacts.myQr")}
      description={t("contacts.qrHint")}
    >
      {image.data ? (
        <img className="qr" src={image.data} alt={t("contacts.qrAlt")} width={220} height={220} />
      ) : (
        <Loading />
      )}
      {qr.data && (
        <div className="field">
          <label htmlFor="qr-link">{t("contacts.qrLink")}</label>
          <input id="qr-link" readOnly value={qr.data.payload} />
        </div>
      )}
    </Sheet>
  );
}
