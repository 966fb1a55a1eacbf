"""What the personal-data, claims and disclosure findings say, in English and Japanese.

A finding speaks the language of the field it points at (``Field.language``), so a PR team
reviewing a Japanese post reads Japanese. ``{placeholders}`` are filled per finding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Wording:
    """A finding's message and suggestion in both languages."""

    en: str
    en_fix: str
    ja: str
    ja_fix: str

    def render(self, language: str, **values: str) -> tuple[str, str]:
        """The message and suggestion for ``language`` ("ja" or anything else: English)."""
        if language == "ja":
            return self.ja.format(**values), self.ja_fix.format(**values)
        return self.en.format(**values), self.en_fix.format(**values)


# --- personal data ----------------------------------------------------------------------------

CARD = Wording(
    en="“{excerpt}” looks like a {network} card number ending {last4} (it passes the card "
    "checksum). Publishing it exposes the cardholder to fraud.",
    en_fix="Remove the number entirely; never post card details, even partly masked.",
    ja="「{excerpt}」は{network}のカード番号（末尾{last4}、チェックディジットも一致）に見えます。"
    "公開するとカードの持ち主が不正利用の被害に遭います。",
    ja_fix="番号をすべて削除してください。一部を伏せた形でもカード情報は投稿しないでください。",
)
PHONE = Wording(
    en="“{excerpt}” is {kind_en}. Unless it is the company's published number, it may be a "
    "person's.",
    en_fix="Use the company's official published number, or link to the contact page instead.",
    ja="「{excerpt}」は{kind_ja}です。会社が公開している番号でなければ、個人の番号の可能性があります。",
    ja_fix="会社の公式な問い合わせ番号を使うか、問い合わせページへのリンクにしてください。",
)
PHONE_PRIVATE = Wording(
    en="“{excerpt}” is {kind_en} next to a private person: publishing it exposes them.",
    en_fix=PHONE.en_fix,
    ja="「{excerpt}」は{kind_ja}で、個人（お客様・自宅など）と一緒に書かれています。"
    "公開するとその人の連絡先をさらすことになります。",
    ja_fix=PHONE.ja_fix,
)
PHONE_KINDS = {
    "jp-mobile": ("a Japanese mobile number", "携帯電話番号"),
    "jp-landline": ("a Japanese phone number", "固定電話番号"),
    "jp-toll-free": ("a toll-free or navigation-dial number", "フリーダイヤル・ナビダイヤルの番号"),
    "nanp": ("a North American phone number", "北米の電話番号"),
    "nanp-toll-free": ("a toll-free number", "フリーダイヤルの番号"),
    "international": ("an international phone number", "国際電話番号"),
}
EMAIL_ROLE = Wording(
    en="“{excerpt}” is an e-mail address: a shared role mailbox, fine if the company publishes it.",
    en_fix="Post only the company's official contact address, or link to the contact form.",
    ja="「{excerpt}」はメールアドレスです（窓口の共有アドレス。会社が公開しているものなら問題ありません）。",
    ja_fix="会社の公式な問い合わせ先だけを記載するか、問い合わせフォームへのリンクにしてください。",
)
EMAIL_PERSONAL = Wording(
    en="“{excerpt}” is an e-mail address: a personal mailbox unless the company publishes it.",
    en_fix=EMAIL_ROLE.en_fix,
    ja="「{excerpt}」はメールアドレスです。会社が公開しているものでなければ個人のアドレスです。",
    ja_fix=EMAIL_ROLE.ja_fix,
)
ADDRESS = Wording(
    en="“{excerpt}” is a postal address: fine for a store's published address, a privacy "
    "leak for anyone else's.",
    en_fix="Keep private people's addresses out; for a store, link to its official page.",
    ja="「{excerpt}」は住所です。店舗の公開住所なら問題ありませんが、それ以外の人の住所なら"
    "個人情報の漏えいです。",
    ja_fix="個人の住所は削除してください。店舗なら公式ページへのリンクにしてください。",
)
ADDRESS_PRIVATE = Wording(
    en="“{excerpt}” is a postal address mentioned with a private person (a customer, "
    "someone's home): it tells the world where they live or were.",
    en_fix=ADDRESS.en_fix,
    ja="「{excerpt}」は住所で、個人（お客様・従業員の自宅など）と一緒に書かれています。"
    "その人の居場所を世間に知らせることになります。",
    ja_fix=ADDRESS.ja_fix,
)
CUSTOMER = Wording(
    en="“{excerpt}” names a customer ({name}). Customers have not agreed to be named in the "
    "company's posts, and staff identifying them erodes everyone's trust.",
    en_fix="Leave the name out (“a customer”) or get written consent first.",
    ja="「{excerpt}」はお客様（{name}）を名指ししています。お客様は企業の投稿で名前を出すことに"
    "同意していません。店側が客を特定する投稿は信頼を損ないます。",
    ja_fix="名前を出さず「お客様」と書くか、事前に書面で同意を得てください。",
)
VISIT = Wording(
    en="“{excerpt}” discloses {who_en} private visit. Announcing that a celebrity or customer "
    "came in is a classic firestorm: it breaks their privacy and suggests the store exploits "
    "its guests.",
    en_fix="Do not post about a person's visit unless they agreed to it in writing.",
    ja="「{excerpt}」は{who_ja}の来店というプライベートな行動を公表しています。有名人やお客様の"
    "来店（お忍び来店）の公表は典型的な炎上例で、プライバシーを侵害し、客を宣伝に利用していると"
    "受け取られます。",
    ja_fix="本人から書面で同意を得ていない限り、来店について投稿しないでください。",
)
DOCUMENT = Wording(
    en="The attachment shows “{excerpt}”, which usually carries names, addresses, order or "
    "ID numbers of real people.",
    en_fix="Blur or crop out every name, number, address and barcode, or use another image.",
    ja="添付に「{excerpt}」が写っています。実在の人の氏名・住所・注文番号・ID番号などが"
    "載っていることが多い書類です。",
    ja_fix="氏名・番号・住所・バーコードをすべてモザイク・黒塗り・トリミングで隠すか、"
    "別の画像を使ってください。",
)
DOCUMENT_REDACTED = Wording(
    en="The attachment shows “{excerpt}”; it is described as blurred or masked.",
    en_fix="Check at full size that no name, number, address or code is readable.",
    ja="添付に「{excerpt}」が写っていますが、ぼかし・黒塗り済みとされています。",
    ja_fix="原寸で確認し、氏名・番号・住所・コードが読み取れないことを確かめてください。",
)

# --- claims -----------------------------------------------------------------------------------

GUARANTEE = Wording(
    en="“{excerpt}” is an absolute promise of results. Unless every customer gets them, "
    "regulators treat it as misleading and buyers who don't will say so publicly.",
    en_fix="Say what the product does, for whom and on what evidence; drop guarantees you "
    "cannot prove.",
    ja="「{excerpt}」は結果を断定・保証する表現です。全員に同じ結果が出るのでなければ優良誤認表示と"
    "みなされ、結果が出なかった人が公に指摘します。",
    ja_fix="何が・誰に・どんな根拠でできるのかを書き、証明できない保証は削除してください"
    "（「個人の感想です」と添えても解決しません）。",
)
NO1 = Wording(
    en="“{excerpt}” is a No.1 or superlative claim with no source. Japan's Consumer Affairs "
    "Agency and the FTC treat unsupported No.1 claims as misleading.",
    en_fix="Name the basis next to the claim (who surveyed what, when) or soften it.",
    ja="「{excerpt}」は根拠の示されていないNo.1・最上級の表示です。消費者庁は根拠のないNo.1表示を"
    "不当表示として扱っています。",
    ja_fix="調査機関・調査期間・対象を併記する（「※2024年○○調べ」）か、表現を和らげてください。",
)
HEALTH = Wording(
    en="“{excerpt}” claims to cure, treat or prevent a disease or body condition. Only "
    "approved medicines may say that; for foods, supplements and cosmetics it is an unlawful "
    "efficacy claim in Japan (薬機法) and a disease claim the FTC expects scientific evidence for.",
    en_fix="Remove the effect on the condition; describe taste, ingredients or how to use it, "
    "or the approved wording of a registered product.",
    ja="「{excerpt}」は病気や体の症状を治す・予防する効果をうたっています。承認された医薬品以外"
    "（食品・サプリ・化粧品）がこれをうたうと薬機法違反になり、米国でも科学的根拠の必要な疾病表示です。",
    ja_fix="症状への効果を削除し、味・原材料・使い方、または届出済みの表示（機能性表示食品など）の"
    "範囲で書いてください。",
)
HEALTH_BUZZ = Wording(
    en="“{excerpt}” is a health claim ({what_en}) for a product that is probably not an "
    "approved medicine: Japan's 薬機法 and 健康増進法 forbid it for foods and cosmetics, and the "
    "FTC expects clinical evidence for it.",
    en_fix="Describe the product itself (taste, ingredients, how to use it); cite the study if "
    "you have one, or remove the claim.",
    ja="「{excerpt}」は健康効果（{what_ja}）の表示です。医薬品でない食品・化粧品には薬機法・"
    "健康増進法で禁じられており、米FTCも臨床的な根拠を求めます。",
    ja_fix="商品そのもの（味・原材料・使い方）を説明し、研究があれば出典を示し、なければ削除して"
    "ください。",
)
HEALTH_BUZZ_KINDS = {
    "immunity": "免疫",
    "a miracle cure": "奇跡的な治癒",
    "detoxification": "デトックス・解毒",
    "clinical proof": "臨床的な証明",
    "medical endorsement": "医師のお墨付き",
    "weight loss": "痩身",
    "weight loss or rejuvenation": "痩身・若返り",
}

# --- sponsorship disclosure -------------------------------------------------------------------

MISSING = Wording(
    en="This post is sponsored (paid, gifted or otherwise rewarded) but does not say so. "
    "Undisclosed advertising is unlawful stealth marketing in Japan since 1 October 2023 and a "
    "deceptive endorsement under the US FTC rules, and it is a classic firestorm when found out.",
    en_fix="Start the post with a clear disclosure: “#ad” or “Paid partnership with ○○”.",
    ja="この投稿は広告（報酬・商品提供などの対価あり）ですが、そのことが書かれていません。"
    "広告であることを隠した投稿は、2023年10月1日から日本ではステルスマーケティングとして景品表示法"
    "違反となり、米FTCの規則でも欺瞞的な推奨です。発覚すれば典型的な炎上につながります。",
    ja_fix="冒頭に明確な表示を入れてください：「【PR】」「#プロモーション」「広告」、"
    "または「○○から商品提供を受けています」。",
)
BURIED = Wording(
    en="The disclosure “{excerpt}” is buried at the end among other hashtags, where readers "
    "skim past it.",
    en_fix="Make it clear and prominent: put #ad / #PR at the start of the post.",
    ja="広告表示「{excerpt}」が末尾のハッシュタグの中に埋もれており、読み飛ばされます。",
    ja_fix="はっきり目立つように、「【PR】」「#PR」を投稿の冒頭に置いてください。",
)
ONLY_IN_ATTACHMENT = Wording(
    en="The post is sponsored and only the attachment says so (“{excerpt}”); many readers "
    "never open or read the image.",
    en_fix="Make it clear and prominent: put #ad / #PR at the start of the text too.",
    ja="広告投稿ですが、広告であることが添付（「{excerpt}」）にしか書かれていません。"
    "画像を開かない・読まない人も多くいます。",
    ja_fix="はっきり目立つように、本文の冒頭にも「【PR】」「#PR」を入れてください。",
)
AMBIGUOUS = Wording(
    en="“{excerpt}” hints at a sponsorship without saying it; the FTC and Japan's Consumer "
    "Affairs Agency treat such abbreviations as unclear.",
    en_fix="Use a clear disclosure instead: #ad, #sponsored or #PR.",
    ja="「{excerpt}」は提携をほのめかすだけで、広告であることをはっきり示していません。"
    "FTCや消費者庁はこうした略語を不明瞭な表示として扱います。",
    ja_fix="「#PR」「#広告」「#プロモーション」など明確な表示を使ってください。",
)
POSSIBLE_GIFT = Wording(
    en="“{excerpt}” reads like a gift or paid endorsement from a brand. If anything was "
    "given, paid or lent, readers must be told (undisclosed endorsements are stealth "
    "marketing).",
    en_fix="Add a clear disclosure at the start, e.g. “#ad” or “Gifted by @brand”.",
    ja="「{excerpt}」は企業からの提供・報酬による推奨のように読めます。何かを提供・支払い・貸与"
    "されたなら、読者に示す必要があります（示さなければステルスマーケティングです）。",
    ja_fix="冒頭に「【PR】○○様から商品提供を受けて投稿しています」や「#PR」を入れてください。",
)
