import csv, re, sys
from urllib.parse import unquote, urlparse
sys.path.insert(0,'tools')
from meta import META
log=list(csv.reader(open('log.tsv'),delimiter='\t'))[1:]
leads=list(csv.reader(open('leads.tsv'),delimiter='\t'))
def norm(u):
    u=unquote(u).lower().replace('https://','').replace('http://','').replace('www.','')
    return u.split('?')[0].rstrip('/').replace(':443','').replace('.com./','.com/')
# dedupe log by normalized url, keep first non-dup
L={}
for r in log:
    if r[5].startswith('dup'): continue
    k=norm(r[0])
    if k not in L: L[k]=r
PROMOTE=['tass.com/world/1692705','195955617','medan.tribunnews','tribunnewswiki','pinusi','freebeacon.com/media']
def meta_for(url):
    for m in META:
        if m[0] in url: return m
    return None
NOTSTORED={130,18,54,68,151,8,75,76,165,90,98,27,12,10,11}
def decide(r):
    code=r[5].split(':')[0]; note=r[5].split(':',1)[1].strip() if ':' in r[5] else ''
    cue=r[1] if r[1]!='none' else ''
    if cue=='dateline' : cue='dateline-noyear'
    date=r[2]
    inc = code=='OK' or (code=='CAP' and any(p in r[0] for p in PROMOTE))
    if inc:
        m=meta_for(r[0]); assert m, r[0]
        return 'included', cue, date, 'in window; on-topic; distinct article'+('; '+note if note else '')+f' -> {m[1]}', m
    if code=='CAP':
        if 'country' in note: reason='eligible (date cue, on-topic) but not drawn: '+note
        else: reason='eligible (date cue, on-topic) but not drawn: purposive cap of two reports per outlet; '+note
        return 'excluded', cue, date, reason, None
    parts=[]
    if 'NODATE' in code: parts.append('date unknown under the rule')
    if code.startswith('OUT'): parts.append('outside window')
    if 'FARM' in code: parts.append('content farm/rewrite site')
    if any(x in code for x in ('VIDEO','AUDIO','GALLERY','PHOTO','NOTEXT')): parts.append('photo gallery/video/audio without text')
    if 'FORUM' in code or 'TAG' in code: parts.append('not a news report (forum or tag page)')
    if 'OFFTOPIC' in code: parts.append('off-topic')
    reason='; '.join(parts)+('; '+note if note else '')
    return 'excluded', cue, date, reason, None
out=[]; reports=[]; used=set()
for l in leads:
    n,url,outlet,lang,ldate,lnote=l
    k=norm(url)
    if k in L:
        r=L[k]; used.add(k)
        dec,cue,date,reason,m=decide(r)
        out.append([n,url,outlet,lang,date,cue,dec,reason])
        if m: reports.append((r,m))
    elif int(n) in NOTSTORED:
        out.append([n,url,outlet,lang,'','','excluded','not stored: not returned by a search for its headline words (lead date '+ldate+')'])
    else:
        out.append([n,url,outlet,lang,'','','not_considered','not opened within the lookup budget (not returned by the topical searches); lead date '+ldate])
# found pages
NONEN={'.ru':'ru','dzen':'ru','rg.ru':'ru','smotrim':'ru','360.ru':'ru','souzveche':'ru','newssome':'ru','mt.smi':'ru','cursorinfo':'ru','.id/':'id','.co.id':'id','okezone':'id','tribunnews':'id','kompas':'id','disway':'id','pinusi':'id','vimanews':'id','islamkaffah':'id','awsnews':'id','merdeka':'id','monitorindonesia':'id','wahananews':'id',
 '.com.br':'pt','uol.com.br':'pt','efe.com/pt':'pt','canalmeio':'pt','portalbrasileiro':'pt','causaoperaria':'pt','comitesdeluta':'pt','paiquerefm':'pt','barelandia':'pt','noticiasmilitares':'pt','cbn.globo':'pt',
 '.it/':'it','ilcorriere':'it','g2media':'it','trashitaliano':'it','ilsussidiario':'it','liberoquotidiano':'it','.es/':'es','eluniverso':'es','mvs.editor80':'es','centralnewshn':'es','diarioconvos':'es','israelnoticias':'es','infolibre':'es','mediatize':'es',
 '.de/':'de','vol.at':'de','lessentiel.lu/de':'de','tageblatt':'de','krone.at':'de','wallstreet-online':'de','20min.ch/fr':'fr','tf1info':'fr','universelmagazine':'fr','news-24.fr':'fr','topactualnews':'fr','charleroi':'fr','fiatlux':'fr','france-palestine':'fr','thedailydigest.com/suisse':'fr','icibeyrouth':'fr',
 'abcnyheter':'no','.gr/':'el','liberal.gr':'el','bta.bg':'bg','.ro/':'ro','mediafax':'ro','cancan':'ro','worldtimes':'ja','webun':'ja','koreatowndaily':'ko','news1.kr':'ko','cosmiannews':'ko','tvboxnow':'zh','mako.co.il':'he','inn.co.il':'he','swahili.kbc':'sw','ukranews':'uk','liga.net':'ru','vikna':'ru','5-tv':'ru','wearerepost':'ru','ria24':'ru','mail.ru':'ru','moniban':'fa','tele1.com.tr':'tr'}
ARABIC=re.compile('[\u0600-\u06FF]')
def guess_lang(u):
    du=unquote(u)
    for k,v in NONEN.items():
        if k in u: return v
    if any(x in u for x in ['arabic.','alaraby','almanar','alnour','shbabbek','sawtbeirut','arabkhabar','marayanews','shafaq','aleqt','aawsat','turkey-breaking','annahar','msr2030','arabic.rt','almayadeen','al-ain','maghress','waradana','alwakeel','world.kbs']) or ARABIC.search(du): return 'ar'
    return 'en'
n=427
for k,r in L.items():
    if k in used: continue
    dec,cue,date,reason,m=decide(r)
    dom=urlparse(r[0]).netloc.lower().replace('www.','')
    out.append([str(n),r[0],m[2] if m else dom,m[6] if m else guess_lang(r[0]),date,cue,dec,'found by search (not in leads); '+reason])
    if m: reports.append((r,m))
    n+=1
with open('sampling.csv','w',newline='') as f:
    w=csv.writer(f); w.writerow(['n','url','outlet','language','date','date_cue','decision','reason']); w.writerows(out)
# reports
rows=[]
for r,m in reports:
    url=r[0]; pub=r[2]; head=r[3].strip()
    rows.append(dict(report_id=m[1],outlet=m[2],outlet_id=m[3],published=pub,url=url,headline=head,outlet_country=m[4],language=m[6],outlet_type=m[5],wire=m[7],derived_from=m[8]))
rows.sort(key=lambda d:(d['published'][:10],d['report_id']))
ids=[d['report_id'] for d in rows]; assert len(ids)==len(set(ids)), [i for i in ids if ids.count(i)>1]
pub={d['report_id']:d['published'][:10] for d in rows}
for d in rows:
    if d['derived_from']: assert pub[d['derived_from']]<d['published'][:10], d
cols=['report_id','outlet','outlet_id','published','url','headline','outlet_country','language','outlet_type','wire','derived_from']
with open('reports.csv','w',newline='') as f:
    w=csv.DictWriter(f,fieldnames=cols); w.writeheader(); w.writerows(rows)
from collections import Counter
print('reports',len(rows),'outlets',len(set(d['outlet_id'] for d in rows)),'countries',len(set(d['outlet_country'] for d in rows if d['outlet_country'])),'langs',Counter(d['language'] for d in rows))
print(Counter(d['published'][:10] for d in rows))
print(Counter(d['outlet_country'] for d in rows))
print(Counter(x[6] for x in out), len(out))
