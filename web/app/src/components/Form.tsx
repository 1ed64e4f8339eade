import type { FormEvent, InputHTMLAttributes, ReactNode } from "react";

/** Fields stacked one under the other (under their `title`, if the form has its own); submitting
 * calls `onSubmit` instead of reloading the page. */
export function Form({
  onSubmit,
  title,
  label = title,
  className = "stack",
  children,
}: {
  onSubmit(): void;
  title?: string;
  label?: string;
  className?: string;
  children: ReactNode;
}) {
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }
  return (
    <form className={className} onSubmit={submit} aria-label={label}>
      {title && <h3>{title}</h3>}
      {children}
    </form>
  );
}

/** A titled card holding one form: the heading, a hint under it, then the fields. */
export function FormSection({
  id,
  title,
  hint,
  onSubmit,
  children,
}: {
  /** Names the heading `${id}-heading`. */
  id: string;
  title: string;
  hint?: string;
  onSubmit(): void;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className="padded">
      <h2 id={`${id}-heading`}>{title}</h2>
      {hint && <p className="muted">{hint}</p>}
      <Form onSubmit={onSubmit}>{children}</Form>
    </section>
  );
}

/** A labelled control with its field error (or else its hint) underneath. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : (
        hint && (
          <p id={`${id}-hint`} className="muted small">
            {hint}
          </p>
        )
      )}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange">;

/** A labelled input with its field error (or else its hint) underneath. */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  type = "text",
  ...input
}: InputProps & {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  hint?: string;
}) {
  const note = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        type={type}
        min={type === "number" ? 0 : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={note}
        {...input}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

/** A labelled drop-down list; its options are the children. */
export function SelectField({
  id,
  label,
  value,
  onChange,
  required,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  required?: boolean;
  children: ReactNode;
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} required={required} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </Field>
  );
}

/** A required pick of one thing from a list; while the list is empty, says there is none. */
export function PickField({
  id,
  label,
  value,
  onChange,
  choices,
  none,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** Undefined while loading. */
  choices: { value: string | number; label: string }[] | undefined;
  none: string;
}) {
  return (
    <SelectField id={id} label={label} value={value} onChange={onChange} required>
      {choices?.length === 0 && <option value="">{none}</option>}
      {choices?.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
    </SelectField>
  );
}

/** The currencies a wallet holds. */
export const CURRENCIES = ["EUR", "USD", "GBP", "CNY"] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Which currency an amount is in: one of the wallet's, unless `currencies` says others. */
export function CurrencyField<C extends string = Currency>({
  id,
  label,
  value,
  onChange,
  currencies = CURRENCIES as unknown as readonly C[],
}: {
  id: string;
  label: string;
  value: C;
  onChange(code: NoInfer<C>): void;
  currencies?: readonly C[];
}) {
  return (
    <SelectField id={id} label={label} value={value} onChange={(code) => onChange(code as C)}>
      {currencies.map((code) => (
        <option key={code} value={code}>
          {code}
        </option>
      ))}
    </SelectField>
  );
}

/** One text box and its button on a line, the box named by its placeholder: add one thing. */
export function OneLineForm({
  label,
  value,
  onChange,
  onSubmit,
  button,
  disabled,
  invalid,
  maxLength,
  required,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  onSubmit(): void;
  button: string;
  disabled?: boolean;
  invalid?: boolean;
  maxLength?: number;
  required?: boolean;
}) {
  return (
    <Form className="inline-form" onSubmit={onSubmit}>
      <input
        aria-label={label}
        placeholder={label}
        required={required}
        maxLength={maxLength}
        value={value}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <button type="submit" disabled={disabled}>
        {button}
      </button>
    </Form>
  );
}
