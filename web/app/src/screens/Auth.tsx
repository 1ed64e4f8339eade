import { useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { useSession } from "../auth/session";
import { ApiError, fieldError } from "../api/errors";
import { LanguageSelect } from "../components/LanguageSelect";

function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }
  return { error, busy, submit };
}

function Field({
  id,
  label,
  error,
  ...input
}: { id: string; label: string; error?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={id}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text =
    error instanceof ApiError && !error.retryable
      ? Object.keys(error.fields).length
        ? null
        : error.message
      : t("errors.tryAgain");
  return text ? (
    <p role="alert" className="form-error">
      {text}
    </p>
  ) : null;
}

export function LoginScreen() {
  const { t } = useTranslation();
  const { logIn } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { error, busy, submit } = useSubmit(() => logIn(username, password));
  return (
    <main className="auth">
      <h1 className="brand">{t("app.name")}</h1>
      <p className="muted">{t("auth.tagline")}</p>
      <form onSubmit={submit} className="stack" noValidate>
        <Field
          id="username"
          label={t("auth.username")}
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={fieldError(error, "username")}
        />
        <Field
          id="password"
          label={t("auth.password")}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(error, "password")}
        />
        <FormError error={error} />
        <button className="primary" type="submit" disabled={busy}>
          {t("auth.logIn")}
        </button>
      </form>
      <p>
        <Link to="/register">{t("auth.createAccount")}</Link>
      </p>
      <LanguageSelect />
    </main>
  );
}

export function RegisterScreen() {
  const { t } = useTranslation();
  const { register } = useSession();
  const [form, setForm] = useState({ username: "", password: "", displayName: "" });
  const { error, busy, submit } = useSubmit(() =>
    register(form.username, form.password, form.displayName),
  );
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.target.value });
  return (
    <main className="auth">
      <h1 className="brand">{t("auth.signUp")}</h1>
      <form onSubmit={submit} className="stack" noValidate>
        <Field
          id="display_name"
          label={t("auth.displayName")}
          autoComplete="name"
          value={form.displayName}
          onChange={set("displayName")}
          error={fieldError(error, "display_name")}
        />
        <Field
          id="username"
          label={t("auth.username")}
          autoComplete="username"
          value={form.username}
          onChange={set("username")}
          error={fieldError(error, "username")}
        />
        <Field
          id="password"
          label={t("auth.password")}
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set("password")}
          error={fieldError(error, "password")}
        />
        <FormError error={error} />
        <button className="primary" type="submit" disabled={busy}>
          {t("auth.signUp")}
        </button>
      </form>
      <p>
        <Link to="/">{t("auth.haveAccount")}</Link>
      </p>
    </main>
  );
}
