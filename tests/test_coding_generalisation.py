"""Generalisation check of the rule-based coder on passages written fresh for this test.

None of these passages comes from (or paraphrases) the demo corpus: they were written to probe
whether the codebook rules capture the *meaning* of each code in other words, in both
languages, including denied experiences (negation), contrasting appraisals ("but"/"pero") and
the valence of care codes. Each case lists codes that must be found, codes that must NOT be
found and, for care codes, the expected participant-level valence. A high share must pass;
the exact share is reported in the test output (no transcript text is printed).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from pipeline.coding.codebook import load_codebook
from pipeline.coding.matcher import Coder, participant_codes
from pipeline.params import CodingParams

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "codebooks" / "trafficking_themes.yaml"
MIN_PASS_SHARE = 0.85
log = logging.getLogger(__name__)

# (language, interviewer question, participant passage, must find, must not find, valences)
CASES: list[tuple[str, str, str, set[str], set[str], dict[str, str]]] = [
    # ------------------------------------------------------------------ English
    ("en", "What happened at the clinic?",
     "The nurse at the health centre gave me antibiotics and checked me for infections. "
     "She was gentle and explained every step.",
     {"CARE_MEDICAL"}, {"CARE_PSYCH"}, {"CARE_MEDICAL": "positive"}),
    ("en", "Did you see a doctor?",
     "No, I never saw a doctor. Not once in the whole year.",
     {"CARE_MEDICAL"}, set(), {"CARE_MEDICAL": "negative"}),
    ("en", "Did anyone help you with how you felt?",
     "They promised me a therapist, but there was no therapist. I still wake up at night "
     "with bad dreams and nobody follows up.",
     {"CARE_PSYCH"}, set(), {"CARE_PSYCH": "negative"}),
    ("en", "How was the counselling?",
     "The counsellor was patient and really listened to me. The sessions helped me a lot.",
     {"CARE_PSYCH"}, set(), {"CARE_PSYCH": "positive"}),
    ("en", "Where did you stay?",
     "I was never in a shelter. I stayed with my sister in her flat.",
     set(), {"CARE_SHELTER"}, {}),
    ("en", "What was the shelter like?",
     "The shelter was safe and the staff were kind, but we were locked in and could not "
     "call anyone.",
     {"CARE_SHELTER"}, set(), {"CARE_SHELTER": "mixed"}),
    ("en", "Did you have legal help?",
     "I never had a lawyer. At the hearing I was alone in front of the judge.",
     {"CARE_LEGAL"}, set(), {"CARE_LEGAL": "negative"}),
    ("en", "What do you know about the case?",
     "Nobody told me anything about the case. I learned from a neighbour that the trial "
     "had ended.",
     {"CARE_INFO"}, set(), {"CARE_INFO": "negative"}),
    ("en", "Who supported you?",
     "A women's organisation in the city took me in. Thanks to them I am alive.",
     {"CARE_NGO"}, {"ORGANIZED_CRIME"}, {"CARE_NGO": "positive"}),
    ("en", "Do you have your papers?",
     "My daughter has no birth certificate, so the school would not enrol her.",
     {"CARE_DOCUMENTS"}, set(), {"CARE_DOCUMENTS": "negative"}),
    ("en", "Did they offer you training?",
     "They enrolled me in a baking course. It was free, but it was not what I wanted to do.",
     {"CARE_EDU_WORK"}, set(), {"CARE_EDU_WORK": "mixed"}),
    ("en", "Would you report them?",
     "I don't trust the police at all. They will not do anything for people like me, so I "
     "withdrew the complaint.",
     {"DISTRUST_JUSTICE"}, set(), {}),
    ("en", "Are you afraid?",
     "I am scared they will find my mother and hurt her. They know where she lives.",
     {"FEAR_RETALIATION"}, set(), {}),
    ("en", "What happened to the traffickers?",
     "The man who sold me walks free. The case was closed after a few months.",
     {"IMPUNITY"}, set(), {}),
    ("en", "Did the police help you escape?",
     "The officers were paid by the owner every week, and one of them drove me back to "
     "the house when I ran away.",
     {"CORRUPTION"}, set(), {}),
    ("en", "How many times did you give your statement?",
     "I had to tell the whole story again and again, five times, to different people.",
     {"REVICT_REPEATED_TESTIMONY"}, set(), {}),
    ("en", "How did they treat you at the station?",
     "The officer said I had chosen that life and that it was my own fault.",
     {"REVICT_BLAME"}, set(), {}),
    ("en", "How did you get home?",
     "Immigration deported me. They put me on a bus to the border like a criminal.",
     {"RETURN_FORCED"}, set(), {}),
    ("en", "And your family?",
     "My mother welcomed me back and my brothers helped me pay for school.",
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("en", "And your village?",
     "In my village they call me a whore and my father will not speak to me.",
     {"FAMILY_REJECTION"}, set(), {}),
    ("en", "Who were the people who held you?",
     "They belonged to a gang that controlled the drug business in the whole port.",
     {"ORGANIZED_CRIME"}, set(), {}),
    ("en", "What did she do with your boy?",
     "She kept my son with her so I would not run away. I could see him only on Sundays.",
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("en", "How was the place they sent you to?",
     "At first I hated the shelter, the rules were strict, but the women there were good to "
     "me and I felt safe.",
     {"CARE_SHELTER"}, set(), {"CARE_SHELTER": "positive"}),
    # ------------------------------------------------------------------ Spanish
    ("es", "¿Cómo era el hogar?",
     "Al principio odiaba el hogar, pero después me sentí segura y las educadoras eran "
     "buenas conmigo.",
     {"CARE_SHELTER"}, set(), {"CARE_SHELTER": "positive"}),
    ("es", "¿Cómo fue la atención en el hospital?",
     "En el hospital me hicieron la prueba de VIH y me dieron los resultados. La doctora fue "
     "muy amable conmigo.",
     {"CARE_MEDICAL"}, set(), {"CARE_MEDICAL": "positive"}),
    ("es", "¿Tuvo apoyo psicológico?",
     "Nunca tuve psicólogo. Yo lloraba todas las noches y nadie me preguntó cómo estaba.",
     {"CARE_PSYCH"}, set(), {"CARE_PSYCH": "negative"}),
    ("es", "¿Y la terapia?",
     "La psicóloga de la fundación me ayudó muchísimo, pero solo fueron tres sesiones y "
     "después la cambiaron.",
     {"CARE_PSYCH", "CARE_NGO"}, set(), {"CARE_PSYCH": "mixed"}),
    ("es", "¿Estuvo en algún albergue?",
     "No, nunca estuve en un albergue. Me quedé en la casa de una amiga.",
     set(), {"CARE_SHELTER"}, {}),
    ("es", "¿Tuvo abogado?",
     "La abogada de la organización me acompañó a todas las audiencias y me explicaba todo.",
     {"CARE_LEGAL", "CARE_NGO"}, set(), {"CARE_LEGAL": "positive"}),
    ("es", "¿Sabe qué pasó con el juicio?",
     "Nadie me dijo nada del juicio. Me enteré por la tele que lo habían soltado.",
     {"CARE_INFO"}, set(), {"CARE_INFO": "negative"}),
    ("es", "¿Tiene sus documentos?",
     "No tengo cédula, y sin cédula no me atienden en ningún lado.",
     {"CARE_DOCUMENTS"}, set(), {"CARE_DOCUMENTS": "negative"}),
    ("es", "¿Le ofrecieron algún curso?",
     "Me dieron un curso de peluquería y ahora tengo mi propio negocio. Estoy contenta.",
     {"CARE_EDU_WORK"}, set(), {"CARE_EDU_WORK": "positive"}),
    ("es", "¿Confía en la justicia?",
     "No creo en la justicia. Los jueces están para los ricos, no para nosotras.",
     {"DISTRUST_JUSTICE"}, set(), {}),
    ("es", "¿Tiene miedo?",
     "Tengo miedo de que me busquen y le hagan algo a mis hijos.",
     {"FEAR_RETALIATION"}, set(), {}),
    ("es", "¿Qué pasó con la policía?",
     "Los policías cobraban cada semana al dueño del local y cuando me escapé me "
     "devolvieron al local.",
     {"CORRUPTION"}, set(), {}),
    ("es", "¿Cuántas veces declaró?",
     "Tuve que declarar muchas veces, cada vez contar todo de nuevo desde el principio.",
     {"REVICT_REPEATED_TESTIMONY"}, set(), {}),
    ("es", "¿Cómo la trataron?",
     "El fiscal me dijo que yo me lo había buscado, que yo sabía a qué iba.",
     {"REVICT_BLAME"}, set(), {}),
    ("es", "¿Cómo regresó a su país?",
     "Volví a mi país por decisión propia, con ayuda del consulado y de la OIM.",
     {"RETURN_VOLUNTARY"}, {"RETURN_FORCED", "RETURN_TO_EXPLOITATION"}, {}),
    ("es", "¿Y su familia?",
     "Mi familia me dio la espalda. Mi mamá dice que la avergoncé.",
     {"FAMILY_REJECTION"}, set(), {}),
    ("es", "¿Qué hace ahora?",
     "Como no conseguí trabajo, volví a la calle. No me quedó otra para darle de comer a "
     "mi hija.",
     {"RETURN_TO_EXPLOITATION"}, set(), {}),
    ("es", "¿Cómo la recibieron en la fiscalía?",
     "La fiscal fue muy humana, me escuchó con paciencia y me dijo que yo no tenía la culpa.",
     {"OFFICIAL_EMPATHY"}, {"OFFICIAL_INDIFFERENCE"}, {}),
    ("es", "¿Y los funcionarios de migración?",
     "A los de migración no les importaba nada, ni me miraban, estaban con el celular.",
     {"OFFICIAL_INDIFFERENCE"}, {"OFFICIAL_EMPATHY"}, {}),
    ("es", "¿Quiénes eran?",
     "Eran de un cartel, andaban armados y controlaban toda la zona.",
     {"ORGANIZED_CRIME"}, set(), {}),
]


# Written from scratch for the valence work (mixed and negative appraisals whose negative side
# sits in another sentence or turn, or is phrased as a restriction, a lack or a complaint), plus
# paraphrases for codes with weak recall. Each case is a list of alternating interviewer /
# participant turns.
DIALOGUE_CASES: list[tuple[str, list[str], set[str], set[str], dict[str, str]]] = [
    ("en", ["Tell me about the place where you stayed after the raid.",
            "They placed me in a safe house run by the church. The rooms were clean and the "
            "cook was lovely. We could not go out on our own, and they took our phones away "
            "for the first month."],
     {"CARE_SHELTER"}, set(), {"CARE_SHELTER": "mixed"}),
    ("en", ["Did you get any training or work?",
            "The programme found me a cleaning job in a hotel. At least it paid. I had asked "
            "to study nursing and they said that was not possible for someone like me."],
     {"CARE_EDU_WORK"}, set(), {"CARE_EDU_WORK": "mixed"}),
    ("en", ["Did you talk to anyone about what happened?",
            "I had a counsellor at the clinic for a while. She was nice enough. Every session "
            "lasted twenty minutes and she kept looking at the clock, so I stopped going."],
     {"CARE_PSYCH"}, set(), {"CARE_PSYCH": "mixed"}),
    ("en", ["How was the hospital?",
            "The hospital staff treated my wounds quickly. Then one nurse told another what "
            "kind of work I had been doing, loud enough for the whole ward to hear."],
     {"CARE_MEDICAL"}, set(), {"CARE_MEDICAL": "mixed"}),
    ("en", ["Did you go to a shelter?",
            "Yes, for about three months, a shelter for women in the capital.",
            "What was it like?",
            "Mixed. The staff were warm. The doors were bolted at eight and we needed "
            "permission to see our own children."],
     {"CARE_SHELTER"}, set(), {"CARE_SHELTER": "mixed"}),
    ("en", ["Did the lawyer help?",
            "The lawyer they assigned met me five minutes before the hearing. He did not even "
            "know my name."],
     {"CARE_LEGAL"}, set(), {"CARE_LEGAL": "negative"}),
    ("en", ["Who helped you after you got out?",
            "An organisation for migrant women paid my rent for two months. After that the "
            "money ran out and they stopped answering my calls."],
     {"CARE_NGO"}, set(), {"CARE_NGO": "mixed"}),
    ("es", ["¿Cómo le fue en el albergue?",
            "En el albergue nos daban comida y una cama limpia, eso sí. No podíamos salir solas "
            "ni usar el teléfono, parecía otra vez estar presa."],
     {"CARE_SHELTER"}, set(), {"CARE_SHELTER": "mixed"}),
    ("es", ["¿Le dieron alguna capacitación?",
            "Me metieron en un taller de manualidades. La profesora era muy dulce. Yo quería "
            "terminar el bachillerato y eso nunca me lo ofrecieron."],
     {"CARE_EDU_WORK"}, set(), {"CARE_EDU_WORK": "mixed"}),
    ("es", ["¿Y el apoyo psicológico?",
            "Fui donde una psicóloga del hospital. Solo me hacía preguntas y llenaba papeles, "
            "nunca sentí que me sirviera de algo."],
     {"CARE_PSYCH"}, set(), {"CARE_PSYCH": "negative"}),
    ("es", ["¿Tuvo abogado?",
            "Sí, un abogado de oficio.",
            "¿Y qué tal?",
            "Me explicó mis derechos con paciencia. Después dejó de contestar el teléfono y me "
            "enteré de la audiencia por una vecina."],
     {"CARE_LEGAL"}, set(), {"CARE_LEGAL": "mixed"}),
    ("es", ["¿La atendieron en el centro de salud?",
            "Me atendieron, sí, me hicieron los exámenes. La enfermera me trató como si yo "
            "tuviera la culpa, delante de todos."],
     {"CARE_MEDICAL"}, set(), {"CARE_MEDICAL": "mixed"}),
    ("es", ["¿Recibió apoyo de alguna organización?",
            "La fundación me consiguió un cuarto y mercado por dos meses. Luego se les acabó la "
            "plata y no volvieron a llamar."],
     {"CARE_NGO"}, set(), {"CARE_NGO": "mixed"}),
    ("es", ["¿Quién manda en su barrio?",
            "Allá mandan los del combo, cobran vacuna a cada tienda y al que no paga lo sacan "
            "del barrio."],
     {"ORGANIZED_CRIME"}, set(), {}),
    ("es", ["¿Quiénes la llevaron?",
            "Los paracos controlaban el pueblo y fueron ellos los que me vendieron a la red."],
     {"ORGANIZED_CRIME"}, set(), {}),
    ("en", ["Who controlled the area?",
            "The armed group that ran the valley charged every family a fee, and the girls "
            "were part of their business."],
     {"ORGANIZED_CRIME"}, set(), {}),
    ("es", ["¿Quién la apoyó al volver?",
            "Mis hermanas me recibieron en su casa y me cuidaban a la niña mientras yo "
            "trabajaba."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("en", ["How did the officials treat you?",
            "The clerk at the ministry did not even look up from her screen. She told me to "
            "come back next month and shut the window."],
     {"OFFICIAL_INDIFFERENCE"}, {"OFFICIAL_EMPATHY"}, {}),
]


# Written fresh for the recall work on the codes most missed by other writers (impunity, family
# support and rejection, shelters, custody threats, fear, blame, officials, organized crime): a
# breadth of paraphrase in English and in several regional Spanish varieties, plus a few
# near-misses that must NOT code. Not taken from (or modelled on) any corpus.
BROAD_CASES: list[tuple[str, list[str], set[str], set[str], dict[str, str]]] = [
    ("en", ["Was anyone punished?",
            "The owner of the bar paid his way out and was home within a week. Only the girl "
            "who collected the money went to prison."],
     {"IMPUNITY"}, set(), {}),
    ("en", ["And the man who recruited you?",
            "He is still walking around the market like nothing happened. I see him on "
            "Saturdays."],
     {"IMPUNITY"}, set(), {}),
    ("en", ["What came of the complaint?",
            "They let him out on a technicality and he went straight back to recruiting girls."],
     {"IMPUNITY"}, set(), {}),
    ("en", ["Where is your brother now?",
            "My brother is still living in the capital, he works in a bakery."],
     set(), {"IMPUNITY"}, {}),
    ("en", ["Who looked after your son?",
            "My grandmother raised my boy while I was away, and when I came back she made up "
            "the bed for me without a single question."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("en", ["Where did you live after that?",
            "My sister and her husband let me move in with them. They never once made me feel "
            "like a burden."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("en", ["Where did they take you?",
            "The organisation had a house where they took us to live, six of us with a "
            "housemother who cooked for everyone."],
     {"CARE_SHELTER"}, set(), {}),
    ("en", ["And after the hospital?",
            "They moved me to a protection home run by the state. I had my own bed for the "
            "first time."],
     {"CARE_SHELTER"}, set(), {}),
    ("en", ["Did he threaten you?",
            "He told me that if I went to the police, the social workers would take my kids "
            "and put them in care."],
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("en", ["Where was your daughter?",
            "They held on to my little girl back home. Every time I complained they reminded "
            "me that she was with them."],
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("en", ["How did your family react?",
            "When I came back my father would not let me through the door. He said I had "
            "dishonoured the family name."],
     {"FAMILY_REJECTION"}, {"FAMILY_SUPPORT"}, {}),
    ("en", ["And the people around you?",
            "The neighbours talk. My aunt said to my face that I had brought it on myself."],
     {"FAMILY_REJECTION"}, set(), {}),
    ("en", ["Do you feel safe now?",
            "I still check the street before I go out. His cousins live two blocks away and "
            "they have sent me messages."],
     {"FEAR_RETALIATION"}, set(), {}),
    ("en", ["How was the interview with the police?",
            "The detective asked why I had not run away if it was so bad, as if I had stayed "
            "for fun."],
     {"REVICT_BLAME"}, set(), {}),
    ("en", ["What happened when you went to report?",
            "At the prosecutor's office they kept me waiting all day and then told me to come "
            "back tomorrow. Nobody even asked my name."],
     {"OFFICIAL_INDIFFERENCE"}, {"OFFICIAL_EMPATHY"}, {}),
    ("en", ["Who found you?",
            "The policewoman who found me gave me her jacket and stayed with me at the "
            "hospital all night."],
     {"OFFICIAL_EMPATHY"}, {"OFFICIAL_INDIFFERENCE"}, {}),
    ("en", ["What happened at the migration centre?",
            "In the migration centre they took my phone, and for three weeks I could not tell "
            "my mother I was alive."],
     {"REVICT_INSTITUTIONAL"}, set(), {}),
    ("en", ["Who were they?",
            "It was a big network. The syndicate ran bars in three cities and everybody paid "
            "them."],
     {"ORGANIZED_CRIME"}, set(), {}),
    ("es", ["¿Y el señor que la llevó?",
            "Ese señor anda bien campante por la colonia, nunca le hicieron nada."],
     {"IMPUNITY"}, set(), {}),
    ("es", ["¿Lo detuvieron?",
            "Lo tuvieron dos semanas adentro, pagó la fianza y ya está en la calle otra vez."],
     {"IMPUNITY"}, set(), {}),
    ("es", ["¿Qué pasó con el proceso?",
            "Al tipo lo cogieron, pero a los tres meses ya estaba afuera, dizque por "
            "vencimiento de términos."],
     {"IMPUNITY"}, set(), {}),
    ("es", ["¿Dónde vive su hermano?",
            "Mi hermano sigue viviendo en Lima, trabaja de mototaxista."],
     set(), {"IMPUNITY"}, {}),
    ("es", ["¿Quién la ayudó?",
            "Mi tía me dio posada y mi abuelita me ayudó a criar a los cipotes."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("es", ["¿Cómo la recibieron en casa?",
            "Mis papás me recibieron con los brazos abiertos, nunca me reprocharon nada."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("es", ["¿Y su madre?",
            "Mi vieja me bancó en todo, me tenía a los nenes mientras yo iba a la "
            "capacitación."],
     {"FAMILY_SUPPORT"}, set(), {}),
    ("es", ["¿Adónde la llevaron?",
            "Nos llevaron a una casa de la fundación donde vivimos como seis meses con otras "
            "chicas."],
     {"CARE_SHELTER"}, set(), {}),
    ("es", ["¿Y después de declarar?",
            "Me pasaron a un espacio de protección del gobierno, con cuarto propio y cocina."],
     {"CARE_SHELTER"}, set(), {}),
    ("es", ["¿Y su hijo?",
            "Mi expareja se llevó a mi hijo y me dijo que con mi pasado ningún juez me lo iba "
            "a devolver."],
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("es", ["¿La amenazaban?",
            "Me decían que si abría la boca, Bienestar se llevaba a mis chamacos."],
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("es", ["¿Cómo reaccionó su familia?",
            "En mi casa me cerraron la puerta. Mi papá dijo que yo ya no era su hija."],
     {"FAMILY_REJECTION"}, {"FAMILY_SUPPORT"}, {}),
    ("es", ["¿Y en el pueblo?",
            "En el pueblo todos cuchichean cuando paso, y mis cuñadas no dejan que sus hijos "
            "se me acerquen."],
     {"FAMILY_REJECTION"}, set(), {}),
    ("es", ["¿Por qué no declara?",
            "Ellos tienen gente en todos lados. Si declaro, me pueden desaparecer."],
     {"FEAR_RETALIATION"}, set(), {}),
    ("es", ["¿Qué le dijo el policía?",
            "El policía me preguntó que para qué me había ido con ese hombre, que seguro yo "
            "sabía."],
     {"REVICT_BLAME"}, set(), {}),
    ("es", ["¿Cómo la atendieron en la fiscalía?",
            "En la fiscalía me tuvieron esperando todo el día y al final me dijeron que "
            "volviera otro día. Ni me preguntaron cómo estaba."],
     {"OFFICIAL_INDIFFERENCE"}, {"OFFICIAL_EMPATHY"}, {}),
    ("es", ["¿Y el agente de migración?",
            "El agente de migración se portó bien conmigo, me consiguió un abrigo y me llevó "
            "a comer."],
     {"OFFICIAL_EMPATHY"}, {"OFFICIAL_INDIFFERENCE"}, {}),
    ("es", ["¿Cómo fue la estación migratoria?",
            "En la estación migratoria nos tuvieron semanas sin dejarnos hablar con nadie, "
            "como si fuéramos presas."],
     {"REVICT_INSTITUTIONAL"}, set(), {}),
    ("es", ["¿Para quién trabajaban?",
            "Esa gente trabajaba para los de la plaza, los que mandan en todo el municipio."],
     {"ORGANIZED_CRIME"}, set(), {}),
    ("es", ["¿Quiénes eran?",
            "Era una red grande, tenían whiskerías en tres provincias y todos les pagaban."],
     {"ORGANIZED_CRIME"}, set(), {}),
]


# A second fresh batch, written AFTER the rules were broadened and measured once without any
# rule change (an untuned estimate of recall on new wording; see the report).
BROAD_CASES_2: list[tuple[str, list[str], set[str], set[str], dict[str, str]]] = [
    ("en", ["What happened to the woman who ran the place?",
            "The judge gave her eighteen months, suspended, and she opened another place "
            "across town."],
     {"IMPUNITY"}, set(), {}),
    ("en", ["Was there an arrest?",
            "Nobody was ever arrested. The file is sitting in a drawer somewhere."],
     {"IMPUNITY"}, set(), {}),
    ("en", ["Who helped you when you came out?",
            "My cousin drove six hours to pick me up, and I have lived with her family ever "
            "since."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("en", ["How did your in-laws take it?",
            "My husband's family told him to leave me because I was dirty now."],
     {"FAMILY_REJECTION"}, {"FAMILY_SUPPORT"}, {}),
    ("en", ["Did she use your baby against you?",
            "She kept my passport and my baby's birth certificate, and said if I made trouble "
            "I would lose the baby."],
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("en", ["Have you felt safe since?",
            "I moved three times in one year because I kept seeing his car outside."],
     {"FEAR_RETALIATION"}, set(), {}),
    ("en", ["What was the trial like?",
            "The lawyer for the defence asked me in court if I had enjoyed the money."],
     {"REVICT_BLAME"}, set(), {}),
    ("en", ["Where did you sleep the first months?",
            "We lived in a convent for a while. The sisters gave us a room and food."],
     {"CARE_SHELTER"}, set(), {}),
    ("en", ["Did the consulate help?",
            "The consulate said they could not help me without an appointment, and the next "
            "one was in March."],
     {"OFFICIAL_INDIFFERENCE"}, {"OFFICIAL_EMPATHY"}, {}),
    ("en", ["Who recruited you?",
            "The guys who recruited me were part of a ring that moved women from the border "
            "towns to the mines."],
     {"ORGANIZED_CRIME"}, set(), {}),
    ("es", ["¿Y el proxeneta?",
            "Al proxeneta le dieron tres años en suspenso y ya está atendiendo otro boliche."],
     {"IMPUNITY"}, set(), {}),
    ("es", ["¿Cómo terminó la denuncia?",
            "Al final el Ministerio Público dijo que no había elementos y ahí murió todo."],
     {"IMPUNITY"}, set(), {}),
    ("es", ["¿Quién la apoyó?",
            "Mi mamá me recibió a los niños mientras yo me recuperaba, y mi hermano me ayudó "
            "con el arriendo."],
     {"FAMILY_SUPPORT"}, {"FAMILY_REJECTION"}, {}),
    ("es", ["¿Y su papá?",
            "Mi papá me botó de la casa y me dijo que ya no tenía hija."],
     {"FAMILY_REJECTION"}, {"FAMILY_SUPPORT"}, {}),
    ("es", ["¿Cómo la controlaba?",
            "Ella me decía que si yo me iba, a mi patojo lo iba a vender."],
     {"CHILD_CUSTODY_THREAT"}, set(), {}),
    ("es", ["¿Volvería a su barrio?",
            "Me da miedo volver al barrio, allá saben que yo hablé con la fiscalía."],
     {"FEAR_RETALIATION"}, set(), {}),
    ("es", ["¿Dónde vivió después?",
            "Estuve en un hogar de la provincia, compartía la pieza con otras dos chicas."],
     {"CARE_SHELTER"}, set(), {}),
    ("es", ["¿Cómo fue con la fiscal?",
            "La fiscal me habló despacito, me dijo que no era mi culpa y me creyó."],
     {"OFFICIAL_EMPATHY"}, {"OFFICIAL_INDIFFERENCE"}, {}),
    ("es", ["¿Cómo era el albergue?",
            "En el albergue del DIF no nos dejaban ni salir al patio, y nos castigaban sin "
            "comer."],
     {"REVICT_INSTITUTIONAL"}, set(), {}),
    ("es", ["¿Quién mandaba en su colonia?",
            "En mi colonia mandaba la mara, y a las muchachas nos obligaban a ser novias de "
            "ellos."],
     {"ORGANIZED_CRIME"}, set(), {}),
]


def all_cases() -> list[tuple[str, list[str], set[str], set[str], dict[str, str]]]:
    """Every case as (language, alternating interviewer/participant turns, must, must not,
    valences)."""
    single = [(lang, [q, text], must, must_not, val)
              for lang, q, text, must, must_not, val in CASES]
    return single + DIALOGUE_CASES + BROAD_CASES + BROAD_CASES_2


@pytest.fixture(scope="module")
def results():
    codebook = load_codebook(CODEBOOK)
    params = CodingParams()
    coder = Coder(codebook, params)
    rows = []
    for i, (lang, turns, *_rest) in enumerate(all_cases()):
        pid = f"GX-E{i + 1:02d}"
        speakers = ["interviewer", "participant"] * len(turns)
        for k, (speaker, turn) in enumerate(zip(speakers, turns, strict=False)):
            rows.append({"segment_id": f"{pid}-T{k + 1:03d}", "participant_id": pid,
                         "turn_index": k + 1, "speaker": speaker, "label": speaker.upper(),
                         "text": turn, "start": 0, "end": len(turn), "country": "GX",
                         "language": lang})
    segments = pd.DataFrame(rows)
    codings = coder.code_segments(segments)
    pids = sorted(segments["participant_id"].unique())
    table = participant_codes(codings, pids, codebook, params)
    present = table[table["present"] == 1]
    out = []
    for i, (_lang, _turns, must, must_not, valences) in enumerate(all_cases()):
        pid = f"GX-E{i + 1:02d}"
        mine = present[present["participant_id"] == pid]
        found = set(mine["code"])
        val = dict(zip(mine["code"], mine["valence"], strict=True))
        problems = sorted(must - found) + [f"not {c}" for c in sorted(must_not & found)] + [
            f"{c}:{val.get(c)}!={v}" for c, v in sorted(valences.items())
            if c in found and val.get(c) != v]
        out.append((pid, problems))
    return out


def test_cases_are_balanced_and_broad():
    langs = [c[0] for c in CASES]
    assert len(CASES) >= 30
    assert abs(langs.count("en") - langs.count("es")) <= 4
    assert len({code for c in CASES for code in c[3]}) >= 20


def test_generalisation_pass_share(results):
    failed = [(pid, problems) for pid, problems in results if problems]
    share = 1 - len(failed) / len(results)
    # Codes and case ids only: no passage text in the output.
    log.warning("generalisation set: %d/%d passages pass (%.0f%%); failures: %s",
                len(results) - len(failed), len(results), 100 * share, failed)
    assert share >= MIN_PASS_SHARE, f"pass share {share:.2f}; failures: {failed}"


def test_broad_paraphrase_share(results):
    """The recall set for other writers' wording: report and bound its own pass share."""
    n = len(BROAD_CASES) + len(BROAD_CASES_2)
    tail = results[-n:]
    failed = [(pid, problems) for pid, problems in tail if problems]
    share = 1 - len(failed) / len(tail)
    log.warning("broad paraphrase set: %d/%d pass (%.0f%%); failures: %s",
                len(tail) - len(failed), len(tail), 100 * share, failed)
    assert len(BROAD_CASES) + len(BROAD_CASES_2) >= 40
    assert share >= MIN_PASS_SHARE, f"pass share {share:.2f}; failures: {failed}"
