"""Blog prose in eight languages, for the language detector's tests and benchmark.

Written for this project (no copyright of others): several paragraphs of about 600 letters per
language, short texts of about 40 letters and tiny ones of about 20, and mixed texts (mostly one
language, with a quote in English). Keys are the BCP 47 tags
`exporter.clean.language.detect_language` should give.
"""

from __future__ import annotations

PARAGRAPHS: dict[str, list[str]] = {
    "en": [
        "Last weekend I finally cleared out the shed at the bottom of the garden. It had been "
        "years since anyone had opened the door properly, and what I found inside was a strange "
        "museum of our family's abandoned hobbies: a rowing machine with a cracked seat, three "
        "boxes of my father's old slides, a kite that had never flown and a surprising number of "
        "empty jam jars. I kept the slides, of course. The rest went to the recycling centre, "
        "apart from the jars, which my neighbour took for her chutney. It felt good to see the "
        "floor again, and I think I will turn the space into a small workshop this summer.",
        "The study followed two hundred patients for a little over a year, which is longer than "
        "most trials of this kind manage. Those who took the drug reported fewer bad days, but "
        "the difference from the placebo group was small and faded after the first six months. "
        "What interests me more is the side effects: almost nobody stopped taking the pills "
        "because of them, and that matters when you are asking people to take something every "
        "single day. I would not call it a breakthrough, but it is worth asking your doctor "
        "about if the usual treatments have not worked for you and you are willing to wait.",
        "We arrived in the city late in the evening, tired and hungry after a long day on the "
        "train. The hotel was nothing special, but the man at the desk pointed us to a little "
        "restaurant around the corner that stayed open until midnight. I ordered the soup of "
        "the day without asking what it was, and it turned out to be the best thing I ate on "
        "the whole trip: thick, peppery and full of beans. The next morning we walked along the "
        "river to the old market, where we bought far too much cheese and a loaf of bread that "
        "we carried around for hours before finally eating it on a bench in the park.",
    ],
    "nb": [
        "I helgen ryddet jeg endelig boden nederst i hagen. Det var flere år siden noen hadde "
        "åpnet døra ordentlig, og det jeg fant der inne, var et merkelig museum over familiens "
        "glemte hobbyer: en romaskin med sprukket sete, tre esker med farens gamle lysbilder, "
        "en drage som aldri hadde vært oppe i lufta, og et overraskende antall tomme "
        "syltetøyglass. "
        "Lysbildene tok jeg selvfølgelig vare på. Resten ble kjørt til gjenvinningsstasjonen, "
        "bortsett fra glassene, som naboen ville ha til sylteagurkene sine. Det var deilig å se "
        "gulvet igjen, og jeg tror jeg skal gjøre boden om til et lite verksted i sommer.",
        "Studien fulgte to hundre pasienter i litt over ett år, noe som er lengre enn de fleste "
        "slike forsøk klarer. De som fikk medisinen, rapporterte færre dårlige dager, men "
        "forskjellen fra placebogruppen var liten og forsvant etter det første halvåret. Det "
        "som interesserer meg mer, er bivirkningene: nesten ingen sluttet å ta tablettene på "
        "grunn av dem, og det betyr mye når man ber folk om å ta noe hver eneste dag. Jeg vil "
        "ikke kalle det et gjennombrudd, men det er verdt å spørre legen om det hvis den vanlige "
        "behandlingen ikke har hjulpet, og hvis du er villig til å vente en stund på virkningen.",
        "Vi kom fram til byen sent på kvelden, slitne og sultne etter en lang dag på toget. "
        "Hotellet var ikke noe å skrive hjem om, men mannen i resepsjonen viste oss til en liten "
        "restaurant rundt hjørnet som holdt åpent til midnatt. Jeg bestilte dagens suppe uten å "
        "spørre hva det var, og den viste seg å være det beste jeg spiste på hele turen: tykk, "
        "pepret og full av bønner. Neste morgen gikk vi langs elva til det gamle torget, der vi "
        "kjøpte altfor mye ost og et brød som vi bar rundt på i flere timer før vi endelig spiste "
        "det på en benk i parken. Det er slike dager jeg husker best når jeg ser tilbake.",
    ],
    "nn": [
        "I helga rydda eg endeleg boda nedst i hagen. Det var fleire år sidan nokon hadde opna "
        "døra skikkeleg, og det eg fann der inne, var eit merkeleg museum over dei gløymde "
        "hobbyane til familien: ein romaskin med sprokke sete, tre esker med dei gamle "
        "lysbileta til far, ein drake som aldri hadde vore oppe i lufta, og eit overraskande "
        "tal tomme syltetøyglas. Lysbileta tok eg sjølvsagt vare på. Resten vart køyrd til "
        "attvinningsstasjonen, bortsett frå glasa, som grannen ville ha til sylteagurkane "
        "sine. Det var godt å sjå golvet att, og eg trur eg skal gjere boda om til eit lite "
        "verkstad i sommar.",
        "Studien følgde to hundre pasientar i litt over eitt år, noko som er lengre enn dei "
        "fleste slike forsøka klarer. Dei som fekk medisinen, melde om færre dårlege dagar, men "
        "skilnaden frå placebogruppa var liten og forsvann etter det første halvåret. Det som "
        "interesserer meg meir, er biverknadene: nesten ingen slutta å ta tablettane på grunn "
        "av dei, og det tyder mykje når ein ber folk om å ta noko kvar einaste dag. Eg vil ikkje "
        "kalle det eit gjennombrot, men det er verdt å spørje legen om det dersom den vanlege "
        "behandlinga ikkje har hjelpt, og dersom du er viljug til å vente ei stund på verknaden.",
        "Vi kom fram til byen seint på kvelden, slitne og svoltne etter ein lang dag på toget. "
        "Hotellet var ikkje noko å skrive heim om, men mannen i resepsjonen viste oss til ein "
        "liten restaurant rundt hjørnet som heldt ope til midnatt. Eg bestilte dagens suppe "
        "utan å spørje kva det var, og ho viste seg å vere det beste eg åt på heile turen: "
        "tjukk, pepra og full av bønner. Neste morgon gjekk vi langs elva til det gamle torget, "
        "der vi kjøpte altfor mykje ost og eit brød som vi bar rundt på i fleire timar før vi "
        "endeleg åt det på ein benk i parken. Det er slike dagar eg hugsar best når eg ser "
        "attende.",
    ],
    "sv": [
        "I helgen rensade jag äntligen förrådet längst ner i trädgården. Det var flera år sedan "
        "någon hade öppnat dörren ordentligt, och det jag hittade där inne var ett märkligt "
        "museum över familjens bortglömda hobbyer: en roddmaskin med sprucken sits, tre lådor "
        "med pappas gamla diabilder, en drake som aldrig hade flugit och ett förvånansvärt "
        "stort antal tomma syltburkar. Diabilderna behöll jag förstås. Resten körde jag till "
        "återvinningscentralen, utom burkarna, som grannen ville ha till sina inlagda gurkor. "
        "Det kändes skönt att se golvet igen, och jag tror att jag ska göra om förrådet till en "
        "liten verkstad i sommar.",
        "Studien följde tvåhundra patienter i drygt ett år, vilket är längre än de flesta "
        "sådana prövningar klarar. De som fick läkemedlet rapporterade färre dåliga dagar, men "
        "skillnaden mot placebogruppen var liten och försvann efter det första halvåret. Det "
        "som intresserar mig mer är biverkningarna: nästan ingen slutade ta tabletterna på grund "
        "av dem, och det spelar stor roll när man ber människor att ta något varje dag. Jag "
        "skulle inte kalla det ett genombrott, men det är värt att fråga sin läkare om det ifall "
        "den vanliga behandlingen inte har hjälpt och man är beredd att vänta ett tag.",
        "Vi kom fram till staden sent på kvällen, trötta och hungriga efter en lång dag på "
        "tåget. Hotellet var inget att skriva hem om, men mannen i receptionen visade oss till "
        "en liten restaurang runt hörnet som hade öppet till midnatt. Jag beställde dagens "
        "soppa utan att fråga vad det var, och den visade sig vara det godaste jag åt på hela "
        "resan: tjock, pepprig och full av bönor. Nästa morgon promenerade vi längs älven till "
        "det gamla torget, där vi köpte alldeles för mycket ost och ett bröd som vi bar omkring "
        "på i flera timmar innan vi till slut åt upp det på en bänk i parken.",
    ],
    "da": [
        "I weekenden fik jeg endelig ryddet skuret nederst i haven. Det var flere år siden, "
        "nogen havde åbnet døren ordentligt, og det, jeg fandt derinde, var et mærkeligt museum "
        "over familiens glemte hobbyer: en romaskine med et revnet sæde, tre kasser med min fars "
        "gamle lysbilleder, en drage, der aldrig havde været oppe, og et overraskende antal tomme "
        "syltetøjsglas. Lysbillederne beholdt jeg selvfølgelig. Resten kørte jeg på "
        "genbrugsstationen, "
        "bortset fra glassene, som naboen gerne ville have til sine syltede agurker. Det var "
        "dejligt at se gulvet igen, og jeg tror, jeg vil lave skuret om til et lille værksted.",
        "Undersøgelsen fulgte to hundrede patienter i lidt over et år, hvilket er længere end "
        "de fleste forsøg af den slags. De, der fik medicinen, oplevede færre dårlige dage, men "
        "forskellen fra placebogruppen var lille og forsvandt efter det første halve år. Det, "
        "der interesserer mig mere, er bivirkningerne: næsten ingen holdt op med at tage "
        "pillerne på grund af dem, og det betyder meget, når man beder folk om at tage noget "
        "hver eneste dag. Jeg vil ikke kalde det et gennembrud, men det er værd at spørge sin "
        "læge om, hvis den sædvanlige behandling ikke har hjulpet, og man kan vente lidt.",
        "Vi nåede frem til byen sent om aftenen, trætte og sultne efter en lang dag i toget. "
        "Hotellet var ikke noget at skrive hjem om, men manden i receptionen sendte os hen til "
        "en lille restaurant rundt om hjørnet, som havde åbent til midnat. Jeg bestilte dagens "
        "suppe uden at spørge, hvad det var, og den viste sig at være det bedste, jeg spiste på "
        "hele turen: tyk, peberagtig og fuld af bønner. Næste morgen gik vi langs åen til det "
        "gamle torv, hvor vi købte alt for meget ost og et brød, som vi slæbte rundt på i flere "
        "timer, før vi endelig spiste det på en bænk i parken.",
    ],
    "es": [
        "El fin de semana pasado por fin vacié el cobertizo del fondo del jardín. Hacía años que "
        "nadie abría la puerta del todo, y lo que encontré dentro era un museo extraño de las "
        "aficiones abandonadas de la familia: una máquina de remo con el asiento roto, tres "
        "cajas con las diapositivas viejas de mi padre, una cometa que nunca había volado y una "
        "cantidad sorprendente de frascos de mermelada vacíos. Las diapositivas, claro, me las "
        "quedé. Lo demás lo llevé al punto limpio, salvo los frascos, que se llevó mi vecina "
        "para sus conservas. Me gustó volver a ver el suelo, y creo que este verano convertiré "
        "el cobertizo en un pequeño taller.",
        "El estudio siguió a doscientos pacientes durante poco más de un año, algo más de lo "
        "que suelen durar los ensayos de este tipo. Quienes tomaron el medicamento dijeron tener "
        "menos días malos, pero la diferencia con el grupo del placebo fue pequeña y desapareció "
        "después de los primeros seis meses. Lo que más me interesa son los efectos secundarios: "
        "casi nadie dejó las pastillas por culpa de ellos, y eso importa cuando se pide a la "
        "gente que tome algo todos los días. No lo llamaría un gran avance, pero vale la pena "
        "preguntarle al médico si los tratamientos de siempre no han funcionado.",
        "Llegamos a la ciudad tarde por la noche, cansados y con hambre después de un largo día "
        "en el tren. El hotel no tenía nada de especial, pero el recepcionista nos mandó a un "
        "pequeño restaurante a la vuelta de la esquina que cerraba a medianoche. Pedí la sopa "
        "del día sin preguntar qué era, y resultó ser lo mejor que comí en todo el viaje: espesa, "
        "con mucha pimienta y llena de alubias. A la mañana siguiente caminamos junto al río "
        "hasta el mercado viejo, donde compramos demasiado queso y una barra de pan que "
        "llevamos de un lado a otro durante horas antes de comérnosla en un banco del parque.",
    ],
    "de": [
        "Am Wochenende habe ich endlich den Schuppen hinten im Garten ausgeräumt. Seit Jahren "
        "hatte niemand mehr die Tür richtig geöffnet, und was ich darin fand, war ein seltsames "
        "Museum der vergessenen Hobbys unserer Familie: ein Rudergerät mit gerissenem Sitz, drei "
        "Kisten mit den alten Dias meines Vaters, ein Drachen, der nie geflogen war, und "
        "erstaunlich viele leere Marmeladengläser. Die Dias habe ich natürlich behalten. Der "
        "Rest kam auf den Wertstoffhof, bis auf die Gläser, die meine Nachbarin für ihr "
        "Eingemachtes mitnahm. Es tat gut, den Boden wieder zu sehen, und ich glaube, ich mache "
        "daraus im Sommer eine kleine Werkstatt.",
        "Die Studie begleitete zweihundert Patienten über etwas mehr als ein Jahr, was länger "
        "ist, als die meisten Untersuchungen dieser Art schaffen. Wer das Medikament bekam, "
        "berichtete von weniger schlechten Tagen, aber der Unterschied zur Placebogruppe war "
        "klein und verschwand nach dem ersten halben Jahr. Mehr interessieren mich die "
        "Nebenwirkungen: Kaum jemand hat die Tabletten deswegen abgesetzt, und das ist wichtig, "
        "wenn man Menschen bittet, jeden Tag etwas einzunehmen. Einen Durchbruch würde ich es "
        "nicht nennen, aber man sollte den Arzt danach fragen, wenn nichts anderes geholfen hat.",
        "Wir kamen spät am Abend in der Stadt an, müde und hungrig nach einem langen Tag im Zug. "
        "Das Hotel war nichts Besonderes, aber der Mann an der Rezeption schickte uns in ein "
        "kleines Restaurant um die Ecke, das bis Mitternacht geöffnet hatte. Ich bestellte die "
        "Tagessuppe, ohne zu fragen, was es war, und sie war das Beste, was ich auf der ganzen "
        "Reise gegessen habe: dick, pfeffrig und voller Bohnen. Am nächsten Morgen gingen wir am "
        "Fluss entlang zum alten Markt, wo wir viel zu viel Käse und ein Brot kauften, das wir "
        "stundenlang herumtrugen, bevor wir es auf einer Bank im Park aßen.",
    ],
    "fr": [
        "Le week-end dernier, j'ai enfin vidé la cabane au fond du jardin. Cela faisait des "
        "années que personne n'avait vraiment ouvert la porte, et ce que j'ai trouvé à "
        "l'intérieur ressemblait à un drôle de musée des passe-temps oubliés de la famille : un "
        "rameur au siège fendu, trois cartons de vieilles diapositives de mon père, un "
        "cerf-volant qui n'avait jamais volé et un nombre étonnant de pots de confiture vides. "
        "J'ai gardé les diapositives, bien sûr. Le reste est parti à la déchetterie, sauf les "
        "pots, que ma voisine a pris pour ses conserves. Cela fait du bien de revoir le sol, et "
        "je crois que j'en ferai un petit atelier cet été.",
        "L'étude a suivi deux cents patients pendant un peu plus d'un an, ce qui est plus long "
        "que la plupart des essais de ce genre. Ceux qui prenaient le médicament ont signalé "
        "moins de mauvais jours, mais l'écart avec le groupe placebo était faible et a disparu "
        "après les six premiers mois. Ce qui m'intéresse davantage, ce sont les effets "
        "secondaires : presque personne n'a arrêté les comprimés à cause d'eux, et cela compte "
        "quand on demande aux gens de prendre quelque chose tous les jours. Je ne parlerais pas "
        "de révolution, mais cela vaut la peine d'en parler à son médecin.",
        "Nous sommes arrivés en ville tard le soir, fatigués et affamés après une longue journée "
        "de train. L'hôtel n'avait rien de spécial, mais l'homme de la réception nous a indiqué "
        "un petit restaurant au coin de la rue, ouvert jusqu'à minuit. J'ai commandé la soupe "
        "du jour sans demander ce que c'était, et ce fut la meilleure chose que j'aie mangée de "
        "tout le voyage : épaisse, poivrée et pleine de haricots. Le lendemain matin, nous avons "
        "longé la rivière jusqu'au vieux marché, où nous avons acheté beaucoup trop de fromage "
        "et un pain que nous avons porté pendant des heures avant de le manger sur un banc.",
    ],
}

# About 40 letters: a caption, a one-line note, a short comment.
SHORT: dict[str, list[str]] = {
    "en": [
        "Thanks for the recipe, I will try it tonight.",
        "The garden looks lovely after all that rain.",
        "Photos from our trip to the coast last week.",
    ],
    "nb": [
        "Takk for oppskriften, jeg prøver den i kveld.",
        "Hagen ser nydelig ut etter alt det regnet.",
        "Bilder fra turen vår til kysten forrige uke.",
    ],
    "nn": [
        "Takk for oppskrifta, eg prøver ho i kveld.",
        "Hagen ser nydeleg ut etter alt det regnet.",
        "Bilete frå turen vår til kysten førre veke.",
    ],
    "sv": [
        "Tack för receptet, jag provar det i kväll.",
        "Trädgården ser härlig ut efter allt regn.",
        "Bilder från vår resa till kusten förra veckan.",
    ],
    "da": [
        "Tak for opskriften, jeg prøver den i aften.",
        "Haven ser dejlig ud efter al den regn.",
        "Billeder fra vores tur til kysten sidste uge.",
    ],
    "es": [
        "Gracias por la receta, la probaré esta noche.",
        "El jardín está precioso después de tanta lluvia.",
        "Fotos de nuestro viaje a la costa la semana pasada.",
    ],
    "de": [
        "Danke für das Rezept, ich probiere es heute Abend.",
        "Der Garten sieht nach dem vielen Regen herrlich aus.",
        "Fotos von unserer Reise an die Küste letzte Woche.",
    ],
    "fr": [
        "Merci pour la recette, je l'essaierai ce soir.",
        "Le jardin est magnifique après toute cette pluie.",
        "Photos de notre voyage sur la côte la semaine dernière.",
    ],
}

# 20 to 25 letters, just enough to be told: a detector still gives an answer.
TINY: dict[str, list[str]] = {
    "en": ["See you at the market today.", "What a lovely day it was, too.",
           "I agree with every word here.", "New photos are up on the blog."],
    "nb": ["Vi sees på torget i morgen.", "For en nydelig dag det var.",
           "Nye bilder er lagt ut i dag.", "Jeg er helt enig med deg der."],
    "nn": ["Vi sjåast på torget i morgon.", "For ein nydeleg dag det var.",
           "Nye bilete er lagde ut i dag.", "Eg er heilt einig med deg."],
    "sv": ["Vi ses på marknaden i morgon.", "Vilken härlig dag det var.",
           "Jag håller med om varje ord.", "Nya bilder finns på bloggen."],
    "da": ["Vi ses på torvet i morgen.", "Hvor var det en dejlig dag.",
           "Nye billeder er lagt op i dag.", "Jeg er helt enig med dig der."],
    "es": ["Nos vemos mañana en el mercado.", "Qué día tan bonito hizo ayer.",
           "Estoy de acuerdo con todo.", "Ya hay fotos nuevas en el blog."],
    "de": ["Wir sehen uns auf dem Markt.", "Was für ein schöner Tag das war.",
           "Ich stimme jedem Wort zu.", "Neue Fotos sind jetzt online."],
    "fr": ["On se voit au marché demain.", "Quelle belle journée c'était.",
           "Je suis d'accord avec tout.", "Les nouvelles photos sont là."],
}

_QUOTE = (
    "As the author put it, \"the best way to learn a language is to read a lot of it, every "
    "day, even when you do not understand all of it.\""
)

# Mostly one language, with a sentence or two quoted in English.
MIXED: dict[str, list[str]] = {
    "nb": [
        f"{PARAGRAPHS['nb'][1]} {_QUOTE}",
        f"Jeg har lest mange bøker om språklæring i år, og én av dem skiller seg ut. {_QUOTE} "
        "Det er et enkelt råd, men jeg tror det stemmer. Da jeg flyttet til Spania, leste jeg "
        "aviser hver morgen med en ordbok ved siden av kaffekoppen, og etter et halvt år "
        "merket jeg at jeg slo opp langt sjeldnere enn før. Nå leser jeg romaner på spansk "
        "uten å tenke over det, og det er den beste gaven jeg har gitt meg selv på lenge.",
    ],
    "nn": [
        f"{PARAGRAPHS['nn'][1]} {_QUOTE}",
        f"Eg har lese mange bøker om språklæring i år, og éi av dei skil seg ut. {_QUOTE} "
        "Det er eit enkelt råd, men eg trur det stemmer. Då eg flytte til Spania, las eg "
        "aviser kvar morgon med ei ordbok ved sida av kaffikoppen, og etter eit halvt år "
        "merka eg at eg slo opp mykje sjeldnare enn før. No les eg romanar på spansk utan å "
        "tenkje over det, og det er den beste gåva eg har gitt meg sjølv på lenge.",
    ],
    "sv": [f"{PARAGRAPHS['sv'][1]} {_QUOTE}"],
    "es": [f"{PARAGRAPHS['es'][1]} {_QUOTE}"],
}
