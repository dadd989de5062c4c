"""Build codebook.yaml v2 for cairo-talks-2024-04 from the v1 codebook (written before any v2 coding)."""
import copy, yaml, pathlib
HERE = pathlib.Path(__file__).resolve().parents[1]
V1 = HERE.parents[1] / 'data' / 'cairo-talks-2024-04' / 'codebook.yaml'
cb = yaml.safe_load(open(V1))
v1 = {v['name']: v for v in cb['variables']}
YN = {'yes': 'Yes', 'no': 'No'}
out = []

# 1. frame items: unchanged, compare_as = own name (same items in the Ahli codebook)
for v in cb['variables']:
    if v.get('role') == 'frame_item':
        w = copy.deepcopy(v); w['compare_as'] = w['name']; out.append(w)

def add(**kw):
    out.append(kw)

# 2. claims
pc = copy.deepcopy(v1['progress_claim'])
pc['question'] = ('How does the report present whether the Cairo talks made progress? asserted: the report itself '
  'states, in its own voice (general rule 2; a headline counts), that the talks made progress. attributed: the report '
  'gives the progress account attributed to a source (Al-Qahera News, an Egyptian official or source) and NO '
  'no-progress account anywhere in the stored text. denied: the report gives only the no-progress account (own voice '
  'or a source). both: the report gives both accounts. not_addressed: the report says nothing about whether this '
  'round progressed.')
pc['compare_as'] = 'claim_relay'; out.append(pc)
add(name='progress_wording', label='Strength of the progress wording',
    question=('How strongly is the progress claim worded, at its strongest in the stored text (own voice or '
      'attributed, headline included)? significant_progress: an intensifier is attached to progress or agreement '
      '("significant", "major", "great", "big", "noticeable", "important", "progrès significatifs", "grandi progressi", '
      '"تقدم كبير", "تقدم ملحوظ"), or agreement on "many contentious points", or a deal called imminent. progress: '
      'progress or agreement on basic points/axes stated without an intensifier ("progress", "agreement on basic '
      'points", "consensus on the main issues"). some_progress: hedged or atmospheric wording only ("some progress", '
      '"positive atmosphere", "constructive", "moving forward", "cautious optimism" about the talks). not_worded: the '
      'report carries no progress claim (progress_claim is denied or not_addressed). Evidence: the words coded.'),
    level='ordinal',
    values={'not_worded': 'no progress claim', 'some_progress': 'some progress or positive atmosphere',
            'progress': 'progress or agreement on basic points', 'significant_progress': 'significant progress'},
    role='other')
bl = copy.deepcopy(v1['blame'])
bl['question'] = ('Whom does the report, in its own voice or through the sources it chooses to quote, present as '
  'responsible for the lack of a deal in THIS round? hamas, israel, both (Hamas and Israel), other (e.g. the US, '
  'mediators), none (no one is blamed, or no impasse in this round is described: a pre-round report, a report that '
  'relays only progress). International pressure on a party and a party stating its own demands are not blame.')
out.append(bl)
hs = copy.deepcopy(v1['headline_stance'])
hs['question'] = ('What does the headline, as printed in the stored page, convey about the talks? progress: progress, '
  'agreement or a deal is near (own voice or attributed). no_progress: no progress, deadlock, stall, rejection of the '
  'proposal. mixed: both. other: about something else, or neutral about progress (talks resume, delegations arrive). '
  'no_headline: the stored page begins below the headline; NEVER judge from the page address (general rule 3).')
hs['values'] = {'progress': 'Progress', 'no_progress': 'No progress', 'mixed': 'Mixed', 'other': 'Other or neutral',
                'no_headline': 'No headline in the stored page'}
hs['compare_as'] = 'headline_stance'; out.append(hs)

# 3. who said "no progress", and whom the report credits for obtaining it
nps = copy.deepcopy(v1['no_progress_source'])
nps['question'] = ('To whom does the report attribute the statement that there was no progress (or nothing new, or '
  'no deal on the horizon) in the Cairo talks? hamas_official: a Hamas official or Hamas. israeli_official: an Israeli '
  'official. both: a Hamas and an Israeli source. other: another source. own_voice: the report says so itself. absent: '
  'the report carries no such statement.')
nps['compare_as'] = 'claim_source'; out.append(nps)
add(name='no_progress_credit', label="Credit for the 'no progress' quote",
    question=('Through whom does the report say the first no-progress statement (in reading order) reached it? '
      'wire_agency: the report\'s own wire (the agency in the wire column of reports.csv, or named in a credit line or '
      'dateline of the stored text), e.g. "told Reuters" in Reuters copy. another_outlet: a named outlet that is not '
      'the report\'s own wire ("told Al Jazeera", "Ynet reported", "told Reuters" in copy whose wire is not Reuters). '
      'own_reporting: the outlet\'s own journalists ("told [this outlet]", "our correspondent"). not_given: the '
      'statement is given without saying to whom or where it was made. absent: no_progress_source is absent.'),
    level='nominal',
    values={'wire_agency': "the report's own wire", 'another_outlet': 'another outlet', 'own_reporting': "the outlet's own reporting",
            'not_given': 'not given', 'absent': 'no no-progress statement'},
    role='other')
add(name='no_progress_outlet', label="Outlet credited for the 'no progress' quote",
    question=('Which outlet, if any, does the report name as the one the first no-progress statement was made to or '
      'reported by (whether or not it is the report\'s own wire)? Code the outlet named; none when no outlet is named '
      'or there is no such statement. Evidence: the words naming it.'),
    level='nominal',
    values={'reuters': 'Reuters', 'afp': 'AFP', 'ap': 'AP', 'al_jazeera': 'Al Jazeera', 'al_mayadeen': 'Al Mayadeen',
            'ynet_yedioth': 'Ynet or Yedioth Ahronoth', 'channel_12': 'Channel 12 (N12)', 'kan': 'Kan',
            'times_of_israel': 'The Times of Israel', 'guardian': 'The Guardian', 'other': 'another outlet',
            'none': 'no outlet named'},
    role='other')

# 4. labels: first own-voice use (v1 concept) and the dominant own-voice word (new)
CAPT = {'hostages': 'hostages', 'captives': 'captives', 'prisoners': 'prisoners (without "of war")',
        'prisoners_of_war': 'prisoners of war', 'detainees': 'detainees', 'abductees': 'abductees or kidnapped',
        'other': 'another word', 'none': 'not referred to in own voice'}
PALP = {'prisoners': 'prisoners', 'detainees': 'detainees', 'security_prisoners': 'security prisoners',
        'terrorists': 'terrorists or convicted terrorists', 'hostages': 'hostages', 'captives': 'captives',
        'other': 'another word', 'none': 'not referred to in own voice'}
WAR = dict(v1['label_war']['values'])
HAM = dict(v1['label_hamas']['values'])
FIRST = ('Code the word at its FIRST own-voice use in reading order (headline first; general rule 2). ')
MAIN = ('Code the word used MOST OFTEN in own voice across the whole stored text (headline, subheads, captions, body; '
        'count each occurrence, general rule 8); on a tie, the tied word used first. ')
def label(name, lab, referent, what, values, first, extra='', compare=None):
    q = what + ' ' + (FIRST if first else MAIN) + extra + 'Evidence: one own-voice use of the word coded.'
    d = dict(name=name, label=lab, referent=referent, question=q, level='nominal', values=values, role='label')
    if compare: d['compare_as'] = compare
    out.append(d)
cq = ('Which word does the report use for the Israelis and foreigners held in Gaza? prisoners and prisoners_of_war are '
      'separate codes ("prisoners of war" only when those words are used); detainees is separate from both.')
pq = ('Which word does the report use for the Palestinians held by Israel? security_prisoners only for "security '
      'prisoners"; terrorists for "terrorists" or "convicted terrorists"; detainees separate from prisoners.')
wq = ('Which word does the report use for the fighting in Gaza since 7 October? war; conflict; offensive (offensive, '
      'assault, onslaught, bombardment, military campaign or operation); aggression; genocide; other; none. The head noun decides: '
      '"genocidal war" is war, "bombing campaign" is offensive, bare "bombing(s)" is other.')
hq = ('Which descriptor does the report attach to Hamas in its own voice? plain: the name only; militant; terrorist '
      '(terrorist or terror group); islamist; resistance (resistance movement); palestinian_group (Palestinian group, '
      'movement or faction without another descriptor); rulers (rulers or government of Gaza); other (e.g. "group" '
      'alone); none: Hamas not mentioned. "Hamas-run" attached to another body does not count here.')
label('label_captives', 'Word for the people held in Gaza (first use)', 'Israelis and foreigners held in Gaza', cq, CAPT, True)
label('label_captives_main', 'Word for the people held in Gaza (most frequent)', 'Israelis and foreigners held in Gaza', cq, CAPT, False)
label('label_palestinian_prisoners', 'Word for the Palestinians held by Israel (first use)', 'Palestinians held by Israel', pq, PALP, True)
label('label_palestinian_prisoners_main', 'Word for the Palestinians held by Israel (most frequent)', 'Palestinians held by Israel', pq, PALP, False)
label('label_war', 'Word for the war (first use)', "Israel's military campaign in Gaza", wq, WAR, True, compare='label_war')
label('label_war_main', 'Word for the war (most frequent)', "Israel's military campaign in Gaza", wq, WAR, False)
label('label_hamas', 'Descriptor for Hamas (first description)', 'Hamas', hq, HAM, True,
      extra='A bare name at the first mention is plain even if a later mention adds a descriptor. ', compare='label_hamas')
label('label_hamas_main', 'Descriptor for Hamas (most frequent)', 'Hamas', hq, HAM, False,
      extra='Count descriptors only (bare mentions are not counted); plain if Hamas is never described. ')
aq = copy.deepcopy(v1['label_alqahera'])
aq['question'] = aq['question'] + (' Code the first own-voice description; a descriptor inside a quotation or an '
  'attributed clause does not count.')
out.append(aq)

# 5. figures and the attribution of the Gaza toll
for n in ['fig_gaza_deaths']:
    w = copy.deepcopy(v1[n]); w['compare_as'] = 'fig_gaza_deaths'; out.append(w)
add(name='fig_gaza_deaths_source', label='Attribution of the Gaza death toll',
    question=('To whom does the report attribute the Gaza death toll it cites (the figure coded in fig_gaza_deaths)? '
      'health_ministry: the (Gaza or Palestinian) health ministry, named as a ministry, no Hamas descriptor. '
      'health_authorities: "health authorities", "health officials", "medical authorities" or "the health department", '
      'no Hamas descriptor. hamas_run_ministry: the ministry described as Hamas-run, Hamas-controlled or "of Hamas". '
      'hamas_run_authorities: health authorities or officials described as Hamas-run. local_authorities: Gaza '
      'authorities or officials other than health (government media office, civil defence). other: another source '
      '(UN, an agency\'s own count). unattributed: no source given. not_cited: no toll cited. "Hamas-run" attached to '
      'the territory ("health authorities in Hamas-run Gaza") is NOT a descriptor of the health body.'),
    level='nominal',
    values={'health_ministry': 'health ministry', 'health_authorities': 'health authorities',
            'hamas_run_ministry': 'Hamas-run health ministry', 'hamas_run_authorities': 'Hamas-run health authorities',
            'local_authorities': 'local authorities', 'other': 'another source', 'unattributed': 'unattributed',
            'not_cited': 'no death toll cited'},
    role='other', compare_as='figure_attribution')
# re-attach the attribution field (v1 named it already)
for n in ['fig_hostages_seized', 'fig_hostages_held']:
    out.append(copy.deepcopy(v1[n]))
w = copy.deepcopy(v1['fig_oct7_deaths']); w['compare_as'] = 'fig_oct7_deaths'; out.append(w)

# 6. facts (unchanged questions) + one new fact
for v in cb['variables']:
    if v.get('role') == 'fact':
        out.append(copy.deepcopy(v))
add(name='fact_hamas_studies', label='Mentions: Hamas said it would study the Israeli proposal',
    question=('Does the report mention that Hamas said (9 April) it would study the Israeli proposal received in Cairo '
      '(while calling it intransigent or saying it met none of its demands)?'),
    level='nominal', values=YN, role='fact', fact='hamas_studies_proposal')

# 7. sources
SRC_NOTE = (' A statement is attributed when the report gives it as said, reported, told or counted by the source '
  '(direct or indirect speech, "according to", a tally attributed to it); a mention without a statement is not quoting '
  '(general rule 4).')
for v in cb['variables']:
    if v.get('role') == 'source':
        w = copy.deepcopy(v)
        if w['name'] == 'src_other_media':
            w['question'] = ('Does the report attribute a statement to a news outlet other than its own wire? Counts: a '
              'statement attributed to a named outlet or to outlets identified as news media ("told Al Jazeera", '
              '"according to Axios", "Israeli media reported", "the Wall Street Journal reported"), including '
              '"told Reuters/AFP/AP" when that agency is NOT the report\'s own wire. Does not count: the report\'s own '
              'wire (the wire column of reports.csv, or the agency of a credit line or dateline in the stored text) '
              'and statements made to it ("told Reuters" in Reuters copy); credit lines ("(Reuters)", "AFP |", "(Con '
              'información de Reuters)"); picture credits; "local reports" not identified as media; Al-Qahera News and '
              'other Egyptian state media, which are coded under src_egypt (general rule 5).')
        else:
            w['question'] = w['question'].replace(' Attribution of a statement counts; a mere mention does not.', '') + SRC_NOTE
        if w['name'] in ('src_hamas', 'src_israel', 'src_us', 'src_un_aid', 'src_other_media'):
            w['compare_as'] = w['name']
        out.append(w)

# 8. tones
for n in ['tone_israel', 'tone_hamas', 'tone_egypt']:
    w = copy.deepcopy(v1[n])
    w['question'] = (w['question'] + ' Non-neutral when (a) the report uses loaded own-voice wording about the party, '
      'or (b) the quotes it selects accuse or characterise the party and give the party no comparable voice. Factual '
      'background (who attacked whom, tolls) is neutral.')
    if n != 'tone_egypt': w['compare_as'] = n
    out.append(w)

HEADER = open(HERE / 'tools' / 'header.txt').read()
body = yaml.safe_dump({'frames': cb['frames'], 'variables': out}, sort_keys=False, allow_unicode=True, width=110)
(HERE / 'codebook.yaml').write_text(HEADER + body)
print(len(out), 'variables;', sum(1 for v in out if 'compare_as' in v), 'with compare_as')
