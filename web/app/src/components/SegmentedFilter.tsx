/** A row of toggle buttons of which exactly one is pressed: which part of a list to show. */
export function SegmentedFilter<T extends string | number | boolean>({
  label,
  options,
  value,
  onChange,
  name,
  className = "cs-filters",
}: {
  label: string;
  options: readonly T[];
  value: NoInfer<T>;
  onChange(option: NoInfer<T>): void;
  name(option: NoInfer<T>): string;
  className?: string;
}) {
  return (
    <div className={className} role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={String(option)}
          type="button"
          aria-pressed={value === option}
          onClick={() => onChange(option)}
        >
          {name(option)}
        </button>
      ))}
    </div>
  );
}
