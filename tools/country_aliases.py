"""Write planner/data/country-aliases.txt: the names people type for each of IRCC's countries, and
planner/data/country-names-fr.txt: the name a French text gives each of them.

    python tools/country_aliases.py     # needs Debian's iso-codes (apt-get install iso-codes)

For each code of IRCC's table (planner/data/ircc-country-names.txt): ISO 3166-1's alpha-3 code,
its English names (short, common, official) and their French translations from iso-codes, each
"Korea, Republic of" also as "Republic of Korea", and the everyday names below that neither has
(USA, UK, Turkey, Ivory Coast, Turquie, Corée du Sud...). The file is made once and shipped: the
planner reads it, never iso-codes.
"""

import gettext
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IRCC = ROOT / "planner" / "data" / "ircc-country-names.txt"
OUT = ROOT / "planner" / "data" / "country-aliases.txt"
FRENCH_OUT = ROOT / "planner" / "data" / "country-names-fr.txt"
# Where ISO's French name reads as a list entry ("Corée, République de"), the name a sentence uses.
FRENCH_NAMES = {"KR": "Corée du Sud", "KP": "Corée du Nord", "TW": "Taïwan", "IR": "Iran", "SY": "Syrie", "LA": "Laos",
                "MD": "Moldavie", "BO": "Bolivie", "VE": "Venezuela", "TZ": "Tanzanie", "RU": "Russie",
                "VN": "Viêt Nam", "CZ": "Tchéquie", "MK": "Macédoine du Nord", "VA": "Vatican", "FM": "Micronésie",
                "CD": "République démocratique du Congo", "CG": "Congo", "PS": "Bande de Gaza", "WB": "Cisjordanie",
                "XK": "Kosovo", "US": "États-Unis", "GB": "Royaume-Uni", "TR": "Turquie", "CV": "Cap-Vert",
                "SB": "Îles Salomon", "VI": "Îles Vierges américaines"}
ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")
LOCALES = Path("/usr/share/locale")

# IRCC files the British Virgin Islands under IO, which ISO gives the British Indian Ocean Territory.
ISO_CODE = {"IO": "VG"}

# Everyday names, in English and in French, that ISO's tables do not give.
EVERYDAY = {
    "US": ["USA", "US", "U.S.", "U.S.A.", "America", "United States", "États-Unis d'Amérique", "Amérique"],
    "GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland",
           "Grande-Bretagne", "Angleterre", "Écosse", "Pays de Galles", "Irlande du Nord"],
    "KR": ["Korea", "South Korea", "Republic of Korea", "Corée", "Corée du Sud"],
    "KP": ["North Korea", "Corée du Nord"],
    "TR": ["Turkey", "Turquie"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "VN": ["Vietnam", "Viet Nam", "Viêt Nam", "Viêt-Nam"],
    "CN": ["China", "PRC", "People's Republic of China", "Mainland China", "Chine", "République populaire de Chine"],
    "TW": ["Taiwan", "Taïwan", "Republic of China"],
    "HK": ["Hong Kong", "Hongkong"],
    "MO": ["Macau", "Macao"],
    "RU": ["Russia", "Russie"],
    "IR": ["Iran", "Persia", "Perse"],
    "SY": ["Syria", "Syrie"],
    "LA": ["Laos"],
    "MD": ["Moldova", "Moldavie"],
    "BO": ["Bolivia", "Bolivie"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania", "Tanzanie"],
    "CZ": ["Czechia", "Czech Republic", "Tchéquie", "République tchèque"],
    "MK": ["North Macedonia", "Macedonia", "Macédoine", "Macédoine du Nord"],
    "MM": ["Burma", "Myanmar", "Birmanie"],
    "SZ": ["Swaziland", "Eswatini"],
    "CV": ["Cape Verde", "Cabo Verde", "Cap-Vert"],
    "TL": ["East Timor", "Timor-Leste", "Timor oriental"],
    "VA": ["Vatican", "Vatican City", "Holy See", "Saint-Siège", "Cité du Vatican"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of the Congo", "RDC", "RD Congo",
           "République démocratique du Congo"],
    "CG": ["Congo-Brazzaville", "Republic of the Congo", "Congo", "République du Congo"],
    "AE": ["UAE", "Emirates", "EAU", "Émirats arabes unis", "Émirats"],
    "BN": ["Brunei", "Brunéi"],
    "XK": ["Kosovo", "XKX"],
    "WB": ["West Bank", "Cisjordanie", "Palestine", "Palestinian Territories"],
    "PS": ["Gaza", "Gaza Strip", "Bande de Gaza", "Palestine", "Palestinian Territories"],
    "DE": ["Deutschland"],
    "NL": ["Holland", "the Netherlands", "Hollande"],
    "KN": ["Saint Kitts and Nevis", "Saint-Christophe-et-Niévès"],
    "LC": ["Saint Lucia", "Sainte-Lucie"],
    "VC": ["Saint Vincent", "Saint-Vincent-et-les-Grenadines"],
    "PF": ["French Polynesia", "Polynésie française"],
    "BQ": ["Bonaire", "Caribbean Netherlands"],
    "FM": ["Micronesia", "Micronésie"],
    "KM": ["Comoros", "Comores"],
    "VI": ["US Virgin Islands", "U.S. Virgin Islands", "Îles Vierges américaines"],
    "VG": ["BVI", "British Virgin Islands", "Îles Vierges britanniques"],
}


def inverted(name: str) -> list[str]:
    """ "Korea, Republic of" -> "Republic of Korea"; "Corée, République de" -> "République de Corée"."""
    if ", " not in name:
        return []
    head, _, tail = name.partition(", ")
    return [f"{tail} {head}"]


def main() -> int:
    if not ISO.exists():
        print(f"{ISO}: not found (apt-get install iso-codes)", file=sys.stderr)
        return 1
    french = gettext.translation("iso_3166-1", str(LOCALES), languages=["fr"])
    iso = {entry["alpha_2"]: entry for entry in json.loads(ISO.read_text(encoding="utf-8"))["3166-1"]}
    lines = ["# The names people type for each of IRCC's countries: IRCC's code, then each name, tab-separated.",
             "# Made by tools/country_aliases.py from ISO 3166-1 (Debian's iso-codes, English and French)",
             "# and everyday names; a name given for two codes is ambiguous and said so."]
    displayed = ["# The name a French text gives each of IRCC's countries: IRCC's code, then the name, tab-separated.",
                 "# Made by tools/country_aliases.py from ISO 3166-1's French names (Debian's iso-codes)."]
    for line in IRCC.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code = line.split("\t")[0]
        ircc_name = line.split("\t")[1]
        entry = iso.get(ISO_CODE.get(code, code))
        shown = FRENCH_NAMES.get(ISO_CODE.get(code, code))
        if shown is None and entry:
            shown = french.gettext(entry.get("common_name", entry["name"]))
        displayed.append(f"{code}\t{(shown or ircc_name).replace(chr(39), chr(0x2019))}")  # the French apostrophe
        iso_code = ISO_CODE.get(code, code)
        names = []
        entry = iso.get(iso_code)
        if entry:
            names.append(entry["alpha_3"])
            english = [entry[key] for key in ("name", "common_name", "official_name") if key in entry]
            for name in english:
                names += [name, *inverted(name)]
                translated = french.gettext(name)
                names += [translated, *inverted(translated)]
        names += EVERYDAY.get(iso_code, [])
        unique = list(dict.fromkeys(n for n in names if n))
        lines.append("\t".join([code, *unique]))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    FRENCH_OUT.write_text("\n".join(displayed) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(lines) - 3} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
