import { describe, expect, it } from "vitest";
import i18next, { chooseLanguage, i18nReady } from ".";

describe("languages", () => {
  it("starts with English only and fetches Chinese when a person chooses it", async () => {
    await i18nReady;
    expect(i18next.t("tabs.chats")).toBe("Chats");
    expect(i18next.hasResourceBundle("zh-CN", "translation")).toBe(false);

    await chooseLanguage("zh-CN");
    expect(i18next.t("tabs.chats")).toBe("聊天");
    expect(document.documentElement.lang).toBe("zh-CN");

    await chooseLanguage("en");
    expect(i18next.t("tabs.chats")).toBe("Chats");
    expect(document.documentElement.lang).toBe("en");
  });
});
