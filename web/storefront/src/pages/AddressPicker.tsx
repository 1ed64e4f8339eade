import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Address, AddressInput } from "../api";
import { useAddresses } from "../queries";

/** Where an order ships: a saved address of the person's book (shared with the app through
 * the `address` consent) or a new one typed here. */
export type ShipTo = { address: Address } | { shipping_address: AddressInput };

const EMPTY: AddressInput = {
  name: "",
  phone: "",
  line1: "",
  city: "",
  postal_code: "",
  country: "",
};
const FIELDS = [
  ["name", "checkout.name", "name"],
  ["phone", "checkout.phone", "tel"],
  ["line1", "checkout.line1", "address-line1"],
  ["city", "checkout.city", "address-level2"],
  ["postal_code", "checkout.postalCode", "postal-code"],
  ["country", "checkout.country", "country"],
] as const;

export function asAddressInput(shipTo: ShipTo): AddressInput {
  if ("shipping_address" in shipTo) return shipTo.shipping_address;
  const { recipient, phone, line1, line2, city, postal_code, country } = shipTo.address;
  return { name: recipient, phone, line1, line2, city, postal_code, country };
}

/** The picker and what it currently says (null: a new address that is not complete yet). */
export function useAddressPicker(): { shipTo: ShipTo | null; picker: JSX.Element } {
  const addresses = useAddresses();
  const saved = addresses.data?.results ?? [];
  const [choice, setChoice] = useState<number | "new" | null>(null);
  const [draft, setDraft] = useState<AddressInput>(EMPTY);
  const selected = choice ?? (saved.find((a) => a.is_default) ?? saved[0])?.id ?? "new";
  let shipTo: ShipTo | null = null;
  if (selected === "new") {
    if (FIELDS.every(([key]) => draft[key]?.trim())) shipTo = { shipping_address: draft };
  } else {
    const address = saved.find((a) => a.id === selected);
    if (address) shipTo = { address };
  }
  const picker = (
    <AddressPicker
      saved={saved}
      selected={selected}
      draft={draft}
      onPick={setChoice}
      onDraft={setDraft}
    />
  );
  return { shipTo, picker };
}

function AddressPicker({
  saved,
  selected,
  draft,
  onPick,
  onDraft,
}: {
  saved: Address[];
  selected: number | "new";
  draft: AddressInput;
  onPick: (choice: number | "new") => void;
  onDraft: (draft: AddressInput) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="sf-address">
      <legend>{t("checkout.address")}</legend>
      {saved.map((address) => (
        <label key={address.id} className="sf-radio">
          <input
            type="radio"
            name={`${id}-address`}
            checked={selected === address.id}
            onChange={() => onPick(address.id)}
          />
          {address.recipient}, {address.line1}, {address.postal_code} {address.city}
        </label>
      ))}
      <label className="sf-radio">
        <input
          type="radio"
          name={`${id}-address`}
          checked={selected === "new"}
          onChange={() => onPick("new")}
        />
        {t("checkout.newAddress")}
      </label>
      {selected === "new" &&
        FIELDS.map(([key, label, autoComplete]) => (
          <label key={key} className="sf-field">
            {t(label)}
            <input
              value={draft[key] ?? ""}
              autoComplete={autoComplete}
              onChange={(event) => {
                const value = event.target.value;
                onDraft({ ...draft, [key]: key === "country" ? value.toUpperCase() : value });
              }}
            />
          </label>
        ))}
    </fieldset>
  );
}
