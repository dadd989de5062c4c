import yaml, re
cairo = yaml.safe_load(open('/work/main/data/cairo-talks-2024-04/codebook.yaml'))
frame_items = [v for v in cairo['variables'] if v.get('role') == 'frame_item']
# adapt the Cairo frame-item questions to this event, keeping names, frames and codes
ADAPT = {
 'resp_government_can_act': "Does the report suggest that a government or state actor (including the US, mediators or the UN) has the ability to ease or end the problem (the war, the humanitarian crisis, the dispute over the blast)?",
 'resp_government_responsible': "Does the report suggest that a government or state actor (e.g. Israel, its army, the Gaza authorities as a government) is responsible for the explosion or for the problem?",
 'resp_solution': "Does the report put forward a solution or the terms of one (e.g. a ceasefire, an independent investigation, opening Rafah for aid)?",
 'resp_group_responsible': "Does the report suggest that a group or individual (e.g. Islamic Jihad, Hamas, a named leader) is responsible for the explosion or for the problem?",
 'hi_individuals_affected': "Does the report stress how individuals or families are affected by the explosion or the war?",
 'hi_human_example': "Does the report give a human example or put a human face on the issue (a named or described person affected, e.g. a doctor, a survivor, a victim)?",
}
variables = []
for v in frame_items:
    v = dict(v)
    if v['name'] in ADAPT:
        v['question'] = ADAPT[v['name']] + " Code from the whole stored text."
    variables.append(v)
YN = {'yes': 'Yes', 'no': 'No'}
def yn(name, label, question, role, **kw):
    d = dict(name=name, label=label, question=question, level='nominal', values=dict(YN), role=role)
    d.update(kw); return d
# --- claims
variables += [
 dict(name='blame_claim', label='Who caused the explosion',
  question=("How does the report present who caused the explosion at the hospital? "
   "israel_asserted: the report itself says, in its own voice, that Israel (an Israeli strike, air raid, missile) caused it. "
   "israel_attributed: the report gives only the account that Israel caused it, attributed to a source (Hamas, the Gaza health ministry, Palestinian officials, an Arab government) and no Israeli or US denial or counter-account. "
   "rocket_asserted: the report itself says, in its own voice, that a failed Palestinian (Islamic Jihad, Hamas) rocket caused it. "
   "rocket_attributed: the report gives only the failed-rocket account, attributed to a source (the Israeli army, Israeli officials, the US), and no Palestinian denial or counter-account. "
   "both: the report gives both accounts (or says the cause is disputed or unverified) without settling it in its own voice. "
   "not_addressed: the report says nothing about the cause. "
   "A verb in the report's own voice counts as assertion ('Israel bombed the hospital', 'an Israeli air strike killed'); a neutral noun does not ('the blast', 'the explosion'). "
   "An account given only in the headline counts if it is the only account in the report."),
  level='nominal',
  values={'israel_asserted': 'Israeli strike asserted in own voice', 'israel_attributed': 'Israeli strike attributed to a source, no counter-account',
          'rocket_asserted': 'Failed Palestinian rocket asserted in own voice', 'rocket_attributed': 'Failed rocket attributed to a source, no counter-account',
          'both': 'Both accounts given, cause not settled', 'not_addressed': 'Cause not addressed'},
  role='claim',
  contradicts=[['israel_asserted', 'rocket_asserted'], ['israel_asserted', 'rocket_attributed'],
               ['israel_attributed', 'rocket_asserted'], ['israel_attributed', 'rocket_attributed']]),
 dict(name='blame_authority', label='Authority for the cause the report relays',
  question=("On whose authority does the report first state a cause of the explosion (the first clause naming a cause, in reading order, headline excluded)? "
   "gaza_health: the Gaza (or Palestinian) health ministry or civil defence. hamas: Hamas, its government media office or a Hamas official. "
   "palestinian_other: the Palestinian Authority, Islamic Jihad or other Palestinian officials. arab_govt: an Arab, Iranian or Turkish government. "
   "israel: the Israeli army, government or an Israeli official. us: the US president, government or intelligence. "
   "other: another source (another outlet, an expert, European intelligence). own_voice: the report states a cause without a source. "
   "none: no cause is stated."),
  level='nominal',
  values={'gaza_health': 'Gaza health ministry or civil defence', 'hamas': 'Hamas', 'palestinian_other': 'Other Palestinian source',
          'arab_govt': 'Arab, Iranian or Turkish government', 'israel': 'Israeli military or officials', 'us': 'US government or intelligence',
          'other': 'Another source', 'own_voice': "The report's own voice", 'none': 'No cause stated'},
  role='other'),
 dict(name='headline_stance', label='Headline stance on the cause',
  question=("What does the headline, as printed in the stored page, convey about the cause of the explosion? "
   "israel: an Israeli strike (in its own voice or attributed). rocket: a failed Palestinian rocket, or Israel's denial. "
   "mixed: both, or a dispute. other: the headline is about something else or neutral about the cause ('explosion kills hundreds'). "
   "no_headline: the stored page begins below the headline; do not judge from the page address (unlike the Cairo adjudication rule 2)."),
  level='nominal',
  values={'israel': 'Israeli strike', 'rocket': 'Failed Palestinian rocket or Israeli denial', 'mixed': 'Both or disputed',
          'other': 'Other or neutral', 'no_headline': 'No headline in the stored page'},
  role='claim', contradicts=[['israel', 'rocket']]),
 dict(name='toll_doubt', label='Doubt about the death toll',
  question=("Does the report question or contrast the health ministry's death toll (e.g. 'where are all the bodies', a lower US or European estimate, 'could not be verified' about the number)? "
   "doubted: yes, in its own voice or through a source. unquestioned: a toll is given and not questioned. no_toll: no toll is given."),
  level='nominal', values={'doubted': 'Toll questioned', 'unquestioned': 'Toll given, not questioned', 'no_toll': 'No toll given'},
  role='claim', contradicts=[['doubted', 'unquestioned']]),
 yn('verification_caveat', 'Says the cause is unverified',
  "Does the report say, in its own voice, that it (or its agency) could not independently verify who caused the explosion or the number of dead?", 'other'),
]
# --- figures
variables += [
 dict(name='fig_hospital_deaths', label='Hospital death toll cited',
  question=("What number of people killed in the explosion does the report cite first (in reading order, headline included)? Write the number as digits: "
   "'at least 500' is 500; 'hundreds' is blank; for a range ('200 to 300', '100-300') write the lower number and code the range in the attribution variable's evidence. Leave blank if no number is cited."),
  level='ratio', role='figure', figure='hospital_deaths', attribution='fig_hospital_deaths_source', unit='people'),
 dict(name='fig_hospital_deaths_source', label='Attribution of the hospital death toll',
  question=("To whom does the report attribute the hospital death toll coded in fig_hospital_deaths? health_ministry: the Gaza or Palestinian health ministry or health authorities, without further qualification. "
   "hamas_run_ministry: the health ministry described as Hamas-run or Hamas-controlled. hamas: Hamas, Hamas officials or 'Palestinian officials'. civil_defence: Gaza civil defence. "
   "us_intelligence: US intelligence or officials. european_intelligence: a European intelligence source. other: another source. unattributed: no source given. not_cited: no number cited."),
  level='nominal',
  values={'health_ministry': 'health ministry', 'hamas_run_ministry': 'Hamas-run health ministry', 'hamas': 'Hamas or Palestinian officials',
          'civil_defence': 'Gaza civil defence', 'us_intelligence': 'US intelligence', 'european_intelligence': 'European intelligence',
          'other': 'another source', 'unattributed': 'unattributed', 'not_cited': 'no death toll cited'},
  role='other'),
 dict(name='fig_gaza_deaths', label='Gaza death toll cited',
  question=("What number of Palestinians killed in Gaza since 7 October does the report cite (the war total, not the hospital toll)? Digits; 'more than 3,000' is 3000. Leave blank if none is cited."),
  level='ratio', role='figure', figure='gaza_deaths', attribution='fig_gaza_deaths_source', unit='people'),
 dict(name='fig_gaza_deaths_source', label='Attribution of the Gaza death toll',
  question=("To whom does the report attribute the Gaza death toll it cites? Codes as in the Cairo codebook: health_ministry, hamas_run_ministry, local_authorities, other, unattributed, not_cited."),
  level='nominal',
  values={'health_ministry': 'health ministry', 'hamas_run_ministry': 'Hamas-run health ministry', 'local_authorities': 'local authorities',
          'other': 'another source', 'unattributed': 'unattributed', 'not_cited': 'no death toll cited'},
  role='other'),
 dict(name='fig_oct7_deaths', label='7 October death toll cited',
  question="What number of people killed in Israel on 7 October does the report cite? Digits; leave blank if none is cited.",
  level='ratio', role='figure', figure='oct7_deaths', unit='people'),
]
# --- labels
OWN = ("Code the word the report uses in its own voice (outside quotation marks, outside clauses attributed to a speaker or another outlet; the journalist's appositions count), "
       "at its first such use; the headline counts as own voice. Give the exact words as evidence.")
variables += [
 dict(name='label_event', label='Word for the event', referent='the explosion at al-Ahli hospital',
  question="Which word does the report use for what happened at the hospital? " + OWN +
   " strike: strike, air strike, airstrike, raid, bombardment, bombing. explosion: explosion, blast. attack: attack (without 'air'). massacre: massacre, carnage, genocide. hit: rocket or missile hit, struck by a rocket. other: another word. none: not named in own voice.",
  level='nominal',
  values={'strike': 'strike, air strike, raid, bombing', 'explosion': 'explosion or blast', 'attack': 'attack',
          'massacre': 'massacre, carnage or genocide', 'hit': 'rocket or missile hit', 'other': 'another word', 'none': 'not named in own voice'},
  role='label'),
 dict(name='label_hamas', label='Descriptor for Hamas', referent='Hamas',
  question="Which descriptor does the report attach to Hamas in its own voice, at the first description of it? Codes as in the Cairo codebook; 'Hamas-run' attached to another body (the ministry) does not count here.",
  level='nominal',
  values={'plain': 'name only', 'militant': 'militant group', 'terrorist': 'terrorist group', 'islamist': 'Islamist group or movement',
          'resistance': 'resistance movement', 'palestinian_group': 'Palestinian group or movement', 'rulers': "Gaza's rulers or government",
          'other': 'another descriptor', 'none': 'Hamas not mentioned'},
  role='label'),
 dict(name='label_pij', label='Descriptor for Palestinian Islamic Jihad', referent='Palestinian Islamic Jihad',
  question="Which descriptor does the report attach to Palestinian Islamic Jihad in its own voice, at its first description? plain, militant, terrorist, islamist, resistance, palestinian_group, other; none: PIJ not mentioned. " + OWN,
  level='nominal',
  values={'plain': 'name only', 'militant': 'militant group', 'terrorist': 'terrorist group', 'islamist': 'Islamist group',
          'resistance': 'resistance movement', 'palestinian_group': 'Palestinian group or faction', 'other': 'another descriptor', 'none': 'PIJ not mentioned'},
  role='label'),
 dict(name='label_health_ministry', label='Descriptor for the Gaza health ministry', referent='Gaza health ministry',
  question="How does the report, in its own voice, first describe the Gaza health ministry? hamas_run: Hamas-run, Hamas-controlled or 'of Hamas'. plain: Gaza or Palestinian health ministry or health authorities, no such descriptor. not_mentioned: the ministry is not mentioned.",
  level='nominal', values={'hamas_run': 'Hamas-run', 'plain': 'no descriptor', 'not_mentioned': 'not mentioned'}, role='label'),
 dict(name='label_war', label='Word for the war', referent="Israel's military campaign in Gaza",
  question="Which word does the report use for the fighting in Gaza since 7 October? " + OWN + " Codes as in the Cairo codebook.",
  level='nominal',
  values={'war': 'war', 'conflict': 'conflict', 'offensive': 'offensive, assault or military campaign', 'aggression': 'aggression',
          'genocide': 'genocide', 'other': 'another word', 'none': 'not named in own voice'},
  role='label'),
]
# --- facts
FACTS = [
 ('hamas_blames_israel', 'Hamas or Gaza authorities (health ministry, government media office) blamed an Israeli air strike'),
 ('idf_blames_pij', 'the Israeli military said a failed rocket launch by Palestinian Islamic Jihad hit the hospital'),
 ('pij_denies', "Palestinian Islamic Jihad denied responsibility or called Israel's accusation lies"),
 ('israel_evidence', 'Israel presented evidence (radar data, drone or aerial imagery, no crater, an alleged intercepted call)'),
 ('us_not_israel', "Biden or the US government said Israel appeared not to be responsible ('the other team')"),
 ('us_intel_toll', 'a US intelligence assessment put the dead at 100 to 300'),
 ('summit_cancelled', 'the Amman summit with Biden was cancelled or Abbas withdrew from meeting Biden'),
 ('protests', 'protests followed in the region or the West Bank'),
 ('displaced_sheltering', 'displaced people or patients were sheltering at the hospital'),
 ('evacuation_order', 'the hospital was among those under Israeli evacuation orders'),
 ('anglican_hospital', 'the hospital is Christian-run, by the Anglican (Episcopal) Diocese of Jerusalem'),
 ('mourning', 'days of mourning were declared'),
 ('media_corrections', 'early coverage blaming Israel was criticised or corrected'),
]
for fid, text in FACTS:
    variables.append(yn('fact_' + fid, 'Mentions: ' + text, f"Does the report mention that {text}? A mention anywhere in the stored text counts; a quotation that says it counts.", 'fact', fact=fid))
# --- sources
SRC = [
 ('src_hamas', 'Hamas', "Hamas, a Hamas official, its government media office or a Hamas statement (the Gaza health ministry is coded in src_gaza_health)"),
 ('src_gaza_health', 'Gaza health ministry or civil defence', "the Gaza (or Palestinian) health ministry, its spokesman or the Gaza civil defence"),
 ('src_pij', 'Palestinian Islamic Jihad', "Palestinian Islamic Jihad or a PIJ statement"),
 ('src_pa', 'Palestinian Authority', "the Palestinian Authority, President Abbas or PA officials"),
 ('src_israel', 'Israeli officials', "the Israeli government, army, an Israeli official or spokesman"),
 ('src_us', 'US officials', "US officials (Biden, the White House, NSC, State Department, US intelligence)"),
 ('src_arab_govts', 'Arab, Iranian or Turkish governments', "an Arab, Iranian or Turkish government, leader or ministry"),
 ('src_un_aid', 'UN or aid groups', "the UN, its agencies (WHO, UNRWA) or aid groups (MSF, Red Crescent)"),
 ('src_witnesses', 'Witnesses, doctors, survivors', "people at the scene: doctors, hospital staff, survivors, relatives, residents"),
 ('src_other_media', 'Other outlets', "other news outlets (e.g. Al Jazeera, the Times of Israel, CNN) as the source of a statement; the report's own wire credit or a credit line does not count"),
]
for name, src, text in SRC:
    variables.append(yn(name, 'Quotes: ' + src, f"Does the report quote or paraphrase {text}? Attribution of a statement counts (direct or indirect speech, 'according to'); a mere mention does not.", 'source', source=src))
# --- tones
for name, party in [('tone_israel', 'Israel'), ('tone_hamas', 'Hamas'), ('tone_pij', 'Palestinian Islamic Jihad')]:
    variables.append(dict(name=name, label=f'Tone toward {party}',
      question=f"What is the report's tone toward {party}? Judge the report as a whole, in its own voice and in the balance of quotes it selects. negative, neutral or positive; code neutral if the party is not characterised.",
      level='ordinal', values={'negative': 'negative', 'neutral': 'neutral', 'positive': 'positive'}, role='other'))
# compare_as: concepts shared with the Cairo codebook (see header comment)
COMPARE = {
 'blame_claim': 'claim_relay', 'headline_stance': 'headline_stance', 'blame_authority': 'claim_source',
 'fig_gaza_deaths': 'fig_gaza_deaths', 'fig_gaza_deaths_source': 'figure_attribution', 'fig_hospital_deaths_source': 'figure_attribution',
 'fig_oct7_deaths': 'fig_oct7_deaths', 'label_hamas': 'label_hamas', 'label_war': 'label_war',
 'src_hamas': 'src_hamas', 'src_israel': 'src_israel', 'src_us': 'src_us', 'src_un_aid': 'src_un_aid', 'src_other_media': 'src_other_media',
 'tone_israel': 'tone_israel', 'tone_hamas': 'tone_hamas',
}
for v in variables:
    if v['role'] == 'frame_item':
        v['compare_as'] = v['name']
    elif v['name'] in COMPARE:
        v['compare_as'] = COMPARE[v['name']]
doc = {'frames': cairo['frames'], 'variables': variables}
HEADER = open('tools/codebook_header.txt').read()
class D(yaml.SafeDumper): pass
def str_rep(d, s):
    return d.represent_scalar('tag:yaml.org,2002:str', s)
D.add_representer(str, str_rep)
body = yaml.dump(doc, Dumper=D, sort_keys=False, allow_unicode=True, width=110)
# YAML 1.2: keep yes/no as quoted strings as in the Cairo file
open('codebook.yaml', 'w').write(HEADER + body)
print(len(variables), sum(1 for v in variables if 'compare_as' in v))
