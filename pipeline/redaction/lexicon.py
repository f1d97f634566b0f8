"""Word lists behind the project recognizers and the allow-list (no transcript text here).

Everything is lower-case and accent-folded when compared (see `textutil.fold`). The lists
are general (any Latin-American testimony), not fitted to the demo corpus.
"""

from __future__ import annotations

from functools import lru_cache

COUNTRIES = """
argentina colombia ecuador mexico méxico peru perú bolivia chile paraguay uruguay brasil brazil
venezuela panama panamá costa rica nicaragua honduras guatemala el salvador salvador cuba
haiti haití republica dominicana dominican republic puerto rico estados unidos united states
usa eeuu ee.uu. us america américa latinoamerica latinoamérica latin america sudamerica
sudamérica south america centroamerica centroamérica central america norteamerica
españa spain china japon japón japan korea corea india europa europe africa áfrica asia
canada canadá francia france italia italy alemania germany portugal inglaterra england
""".split()

# multi-word entries are matched as phrases
COUNTRY_PHRASES = ["costa rica", "el salvador", "república dominicana", "dominican republic",
                   "puerto rico", "estados unidos", "united states", "latin america",
                   "south america", "central america", "north america", "reino unido",
                   "united kingdom", "américa latina"]

NATIONALITIES = """
argentino argentina argentinos argentinas argentine argentinian colombiano colombiana
colombianos colombianas colombian ecuatoriano ecuatoriana ecuatorianos ecuatorianas ecuadorian
ecuadorean mexicano mexicana mexicanos mexicanas mexican peruano peruana peruanos peruanas
peruvian boliviano boliviana bolivianos bolivianas bolivian paraguayo paraguaya paraguayos
paraguayas paraguayan venezolano venezolana venezolanos venezolanas venezuelan chileno chilena
chilenos chilenas chilean uruguayo uruguaya uruguayan brasileño brasileña brazilian cubano
cubana cuban dominicano dominicana haitiano haitiana haitian hondureño hondureña honduran
guatemalteco guatemalteca guatemalan salvadoreño salvadoreña salvadoran nicaragüense
nicaraguan panameño panameña panamanian chino china chinos chinese coreano coreana korean
gringo gringa gringos american americano americana estadounidense español española spanish
english inglés ingles quechua aymara kichwa quichua wayuu embera emberá shuar guaraní guarani
mapuche nahua náhuatl nahuatl maya mixteco mixteca zapoteco zapoteca tzotzil otomí otomi
indígena indigena indigenous afro afrodescendiente afrocolombiano afrocolombiana
afroecuatoriano afroecuatoriana latino latina latinos latinas hispanic
""".split()

LANGUAGES = """
quechua aymara kichwa quichua guaraní guarani náhuatl nahuatl wayuu wayuunaiki maya mixteco
zapoteco tzotzil otomí otomi español castellano inglés ingles portugués portugues francés
k'iche' kiche quiché quiche kaqchikel cakchiquel q'eqchi' qeqchi kekchi mam tz'utujil tzutujil
tseltal tzeltal mixe mazateco totonaco purépecha purepecha garífuna garifuna miskito
mapudungun shuar awajún awajun ashaninka asháninka shipibo
""".split()

# Institution types and names of public bodies: analysts need them after redaction.
INSTITUTIONS = """
fiscalía fiscalia fiscal fiscales policía policia police comisaría comisaria estación
consulado consul cónsul consulate embajada embassy oim iom onu un unodc acnur unhcr unicef
cruz roja red cross defensoría defensoria defensor defensora ombudsman ministerio ministry
migración migracion migraciones immigration juzgado tribunal court corte juez jueza judge
hospital clínica clinica clinic posta centro salud albergue refugio shelter casa ong ngo
fundación fundacion foundation iglesia church parroquia asociación asociacion association
colectivo red reniec sis dif inm icbf sename senaf dinaf mimp cem pdi dijin sijin dirincri
gendarmería gendarmeria prefectura interpol fbi dea ice registraduría registraduria
medicina legal forense procuraduría procuraduria personería personeria comisión comision
gobierno government estado state municipalidad municipio alcaldía alcaldia gobernación
gobernacion ejército ejercito army marina navy escuela school colegio universidad university
programa program servicio service unidad unit dirección direccion oficina office
especializada especializado trata personas delitos atención atencion víctimas victimas mujer
mujeres familia niñez ninez adolescencia protección proteccion derechos humanos bienestar
integral nacional federal público publico civil cívico civico municipal provincial estatal
regional departamental distrital migratorio migratoria registro cámara camara gesell centro
emergencia acogida hogar secretaría secretaria subsecretaría instituto consejo comité comite
línea linea seguro social salud trabajo empleo educación educacion seguridad policial judicial
penal sala audiencia suprema constitucional cancillería cancilleria ministerio público
dni curp rfc ine ruc cuil cuit nit sis iess imss issste sat dian sena eps ips sisben
labour labor work employment health education justice interior women children family social
development welfare affairs foreign exterior relaciones exteriores desarrollo humano
felcc felcv slim dna sepdavi pgn mp pnc svet sosep codeni minna pgr fgr fevimtra cndh dif
conapred inami comar
comar cndh fgr pgr demuna pnp esmad cicpc lgbt lgbti lgbtiq lgbtq trans sida vih hiv aids
covid hogar casa sierra costa selva oriente amazonía amazonia altiplano llanos caribe pacífico
pacifico andes spanish english portuguese portugués french francés castellano español
""".split()

INSTITUTION_PHRASES = ["cruz roja", "red cross", "medicina legal", "centro de salud",
                       "defensoría del pueblo", "policía nacional", "policía federal",
                       "national police", "fiscalía general", "naciones unidas",
                       "united nations", "casa de acogida", "línea 145", "linea 145"]

# Common words that are also given names: kept when used as words.
TRAP_WORDS = """
esperanza paz justicia fe dolores rosa luz hope mercy faith grace charity joy patience
victoria gloria soledad consuelo amparo socorro caridad milagros rocío rocio pilar mercedes
angeles ángeles cruz rosario remedios concepción concepcion asunción asuncion trinidad
""".split()

RELIGIOUS = """
dios diosito god señor senor lord jesucristo cristo christ virgen virgin
espíritu santo allah biblia bible
""".split()

MONTHS_ES = """
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
diciembre""".split()
MONTHS_EN = """january february march april may june july august september october november
december""".split()
MONTHS = MONTHS_ES + MONTHS_EN
DAYS_ES = "lunes martes miércoles miercoles jueves viernes sábado sabado domingo".split()
DAYS_EN = "monday tuesday wednesday thursday friday saturday sunday".split()
DAYS = DAYS_ES + DAYS_EN

# Spanish nicknames that English translations keep after "the" ("the Gringo")
NICKNAME_WORDS = """
gringo gringa chino china flaco flaca gordo gorda negro negra negrito negrita mono mona
paisa tuerto tuerta cholo chola güero güera guero guera moreno morena rubio rubia colo
colorado colorada turco turca pelado pelada loco loca enano viejo vieja costeño costeña
chato chata mudo muda cojo coja tío tía patrón patrona jefe jefa compadre madrina padrino
""".split()

HOLIDAYS = ["navidad", "christmas", "semana santa", "año nuevo", "new year", "carnaval",
            "pascua", "easter", "día de la madre", "mother's day", "todos santos",
            "día de muertos", "mundial", "covid", "whatsapp", "facebook", "instagram",
            "tiktok", "messenger", "telegram", "internet", "google", "youtube", "uber"]

# Titles, roles and kin that precede a name ("el oficial Ramírez", "officer Díaz",
# "mi hermana Gladys"). The name after them is a PERSON even if it is a trap word.
TITLES = """
don doña dona señor señora señorita sr sra srta sres doctor doctora dr dra lic licenciado
licenciada ing ingeniero ingeniera profesor profesora profe maestro maestra padre madre
hermano hermana hno hna tío tía tio tia primo prima abuelo abuela abuelita abuelito sobrino
sobrina cuñado cuñada cunado cunada suegro suegra esposo esposa marido novio novia hijo hija
hijito hijita mamá mama papá papa compadre comadre padrino madrina compañero compañera amigo
amiga vecino vecina jefe jefa patrón patrona patron dueño dueña dueno duena encargado
encargada oficial suboficial sargento cabo teniente capitán capitan comandante coronel
mayor general inspector inspectora agente fiscal juez jueza cónsul consul defensor defensora
abogado abogada psicólogo psicóloga psicologo psicologa enfermera enfermero pastor pastora
monseñor sor fray comisario comisaria detective alcalde alcaldesa gobernador gobernadora
trabajadora trabajador social promotora promotor
mr mrs ms miss mister madam officer sergeant sgt lieutenant lt captain capt commander
inspector detective agent judge prosecutor attorney lawyer counsellor counselor father
mother sister brother aunt uncle cousin grandmother grandfather grandma grandpa nephew niece
son daughter husband wife boyfriend girlfriend partner friend neighbour neighbor boss
manager owner pastor reverend rev nurse psychologist social worker colonel major general
""".split()

TITLE_ABBREVIATIONS = ["sr", "sra", "srta", "sres", "dr", "dra", "lic", "ing", "hno", "hna",
                       "mr", "mrs", "ms", "sgt", "lt", "capt", "rev", "prof", "insp", "cap",
                       "tte", "sgto", "cnel", "gral", "cmdte", "ofc"]

# Words that introduce a name ("se llama X", "le decían X", "known as X").
NAME_TRIGGERS_ES = ["se llama", "se llamaba", "me llamo", "me llamaba", "llamado", "llamada",
                    "le dicen", "le decían", "le decian", "me dicen", "me decían", "me decian",
                    "nos decían", "le dice", "alias", "apodo", "apodado", "apodada",
                    "conocido como", "conocida como", "de nombre", "su nombre es",
                    "mi nombre es", "su nombre era"]
NAME_TRIGGERS_EN = ["named", "called", "call me", "called me", "known as", "nicknamed",
                    "name is", "name was", "names are", "alias", "goes by", "went by"]

# Spanish nickname heads after an article ("la Flaca", "el Chino") are found by shape;
# these are never nicknames.
NOT_NICKNAMES = """
señor señora virgen biblia estado gobierno mundial navidad semana pascua carnaval
policía policia fiscalía fiscalia defensoría defensoria consulado ministerio migración
migracion iglesia hospital albergue oim onu sis reniec dif inm icbf
""".split()

# Indigenous (Quechua, Aymara, Kichwa, Mayan, Nahua, Wayuu) and other Andean surnames that
# are absent from Faker's lists. A general resource, not taken from the demo corpus.
INDIGENOUS_SURNAMES = """
mamani quispe condori huanca apaza ticona choque huaman huamán yupanqui cusi chambi layme
limachi pari ccama huillca nina sullca tito cutipa ccori puma inca coaquira callisaya
copa chura colque cruz huarachi alanoca jallasi poma huayta quisbert yucra flores chipana
machaca calle ramos ayala sirpa tarqui vilca vilcapoma chuquimia chuquiago llanque
huarcaya huacho ccahuana cahuana chalco chalco taipe taype huayhua ccoa achata cjuno
pacheco tupac túpac atahualpa huaraca illapa ancco anco paucar huallpa guaman guamán
tenesaca pichazaca lema tituaña cabascango maldonado caiza chicaiza yupa pilco shiguango
tanguila grefa andi cerda aguinda canelos chimbo yumbo tutillo tixi quishpe quilumbaquin
can canul chan chi chuc cocom couoh dzib ek euan kú kuyoc may mis noh pech pool puc tun uc
uicab xool yam chable tzuc ake cahuich balam
epieyú epinayú uriana jusayú ipuana pushaina
""".split()


@lru_cache(maxsize=1)
def name_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), folded, from Faker's Spanish-language locales + our lists."""
    from faker.providers.person import en_US, es_AR, es_CO, es_ES, es_MX

    from pipeline.redaction.textutil import fold

    given: set[str] = set()
    surnames: set[str] = set()
    for module in (es_AR, es_CO, es_ES, es_MX):
        provider = module.Provider
        for attr in ("first_names", "first_names_female", "first_names_male"):
            for name in getattr(provider, attr, ()) or ():
                given.update(fold(part) for part in str(name).split())
        for name in getattr(provider, "last_names", ()) or ():
            surnames.update(fold(part) for part in str(name).split())
    for attr in ("first_names_female", "first_names_male"):
        for name in getattr(en_US.Provider, attr, ()) or ():
            given.add(fold(str(name)))
    surnames.update(fold(s) for s in INDIGENOUS_SURNAMES)
    # common words that Faker lists as names and would hurt meaning if redacted alone
    # (months stay: "Abril", "Julio" are names; the recognizers decide by language)
    common = common_words() - {fold(m) for m in MONTHS + DAYS}
    given = {g for g in given if len(g) > 2 and g not in common}
    surnames = {s for s in surnames if len(s) > 2 and s not in common}
    return frozenset(given), frozenset(surnames)


@lru_cache(maxsize=4)
def common_words(language: str | None = None) -> frozenset[str]:
    """Folded words that must not count as name evidence on their own.

    With a language, months and days of that language only ("Julio" in English text is a name).
    """
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    from pipeline.redaction.textutil import fold

    words = set(TRAP_WORDS) | set(COUNTRIES) | set(NATIONALITIES) | set(INSTITUTIONS)
    words |= set(RELIGIOUS) | set(TITLES) | set(EXTRA_COMMON)
    if language in (None, "en"):
        words |= set(EN_STOP) | set(MONTHS_EN) | set(DAYS_EN)
    if language in (None, "es"):
        words |= set(ES_STOP) | set(MONTHS_ES) | set(DAYS_ES)
    return frozenset(fold(w) for w in words)


EXTRA_COMMON = """
blanco negro negra rubio rubia moreno morena rey reyes leon león lobo campos flores
rios ríos castillo sierra vega mora prieto cano marin marín santos angel ángel nieves
bravo delgado calvo rico leal serrano pastor bueno buena alegre alegría salvador rosales
casas iglesias palacios torres fuentes montes valle cortes cortés manzano olivo rojas
rojo luna sol mar estrella perla diamante cielo marina dulce bella linda princesa
gordo gorda flaco flaca chino china mono mona paisa loco loca chico chica grande
will may june april august mark bill rose ivy lily hope joy faith grace summer autumn
sunny dawn guy jack frank rich young brown white black green gray grey king long
ciudad centro norte sur este oeste nueva nuevo san santa santo puerto villa valle
gracias claro bueno vale pues mire oiga oye
""".split()


def builtin_allow_list() -> list[str]:
    """Default allow-list: countries, nationalities, institutions, religious words, months."""
    items = (COUNTRIES + COUNTRY_PHRASES + NATIONALITIES + LANGUAGES + INSTITUTIONS + INSTITUTION_PHRASES
             + TRAP_WORDS + RELIGIOUS + MONTHS + DAYS + HOLIDAYS)
    return sorted(set(items))
