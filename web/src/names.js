// The project's one normaliser of names, rule for rule as kg/names.py applies it on the server (its docstring
// lists the rules), so that the page's search finds what the server's finds. tests/test_names.py runs both on
// tests/data/names/normalise-cases.json. No imports: Node runs this file as it is.

const APOSTROPHES = "'’‘‛ʼʻʾʿ`´′";
const POSSESSIVE = new RegExp(`[${APOSTROPHES}][sS](?![\\p{L}\\p{N}])`, "gu");
const VARIANTS = { ٱ: "ا", ى: "ي", ة: "ه", ی: "ي", ک: "ك", ς: "σ" };
const ARTICLES = new Set(["al", "el"]);
const folded = new Map();

function fold(char) {
  if (APOSTROPHES.includes(char)) return "";
  let out = "";
  for (const part of char.normalize("NFKD")) {
    if (part === "\u0640" || /\p{M}/u.test(part)) continue;
    for (let lower of part.toLowerCase()) {
      lower = VARIANTS[lower] || lower;
      out += /[\p{L}\p{N}]/u.test(lower) ? lower : " ";
    }
  }
  return out;
}

/** The form in which names are compared: "Hayʼat Taḥrīr al-Shām" → "hayat tahrir sham". */
export function normaliseName(text) {
  let out = "";
  for (const char of text.replace(POSSESSIVE, " ")) {
    if (!folded.has(char)) folded.set(char, fold(char));
    out += folded.get(char);
  }
  const words = out.split(" ").filter(Boolean);
  return words.filter((word, i) => !ARTICLES.has(word) || i + 1 === words.length).join(" ");
}
