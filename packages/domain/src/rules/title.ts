import type { Department, Seniority } from "../model/Contact.js"

export interface TitleClassification {
  readonly seniority: Seniority
  readonly department: Department
  /** True for the people who sign: owners, C-level, VPs, heads, directors. */
  readonly decisionMaker: boolean
}

interface Term {
  readonly seniority?: Seniority
  readonly department?: Department
}

/** Higher wins when a title carries several markers ("Senior Director" is a director). */
const RANK: Record<Seniority, number> = {
  unknown: 0,
  entry: 1,
  intern: 2,
  senior: 3,
  manager: 4,
  director: 5,
  head: 6,
  vp: 7,
  c_level: 8,
  owner: 9
}

const DECISION_MAKERS: ReadonlySet<Seniority> = new Set(["owner", "c_level", "vp", "head", "director"])

const entries = (
  department: Department | undefined,
  seniority: Seniority | undefined,
  words: string
): Array<[string, Term]> =>
  words
    .split(",")
    .map((w) => [
      w.trim(),
      { ...(seniority === undefined ? {} : { seniority }), ...(department === undefined ? {} : { department }) }
    ])

/** Two-word phrases, matched before single words; a matched phrase consumes both words. */
const PHRASES: ReadonlyMap<string, Term> = new Map([
  ...entries(
    "executive",
    "c_level",
    "chief executive,managing director,directeur general,director general,general director,consejero delegado"
  ),
  ...entries("executive", "director", "general manager"),
  ...entries(undefined, "vp", "vice president,vice presidente,vice-president"),
  ...entries(undefined, "head", "head of"),
  ...entries("product", undefined, "product owner,product manager,product management"),
  ...entries("operations", "entry", "executive assistant,personal assistant,office manager,office assistant"),
  ...entries(
    "customer_success",
    undefined,
    "customer success,customer service,customer support,customer experience,client services,account management"
  ),
  ...entries("sales", undefined, "account executive,business development,sales development,inside sales,key account"),
  ...entries("hr", undefined, "human resources,people operations,talent acquisition"),
  ...entries("data", undefined, "machine learning,data science,business intelligence"),
  ...entries("it", undefined, "information technology,system administrator,systems administrator"),
  ...entries("operations", undefined, "supply chain"),
  ...entries("marketing", undefined, "demand generation,social media,public relations"),
  ...entries(undefined, "manager", "team lead,team leader"),
  ...entries(undefined, "intern", "working student"),
  ...entries(undefined, "entry", "entry level")
])

const WORDS: ReadonlyMap<string, Term> = new Map([
  ...entries(
    "executive",
    "owner",
    "owner,founder,cofounder,co-founder,inhaber,inhaberin,grunder,grunderin,fondateur,fondatrice,fundador,fundadora,proprietor"
  ),
  ...entries(
    "executive",
    "c_level",
    "ceo,president,presidente,pdg,geschaftsfuhrer,geschaftsfuhrerin,gf,vorstand,chief"
  ),
  ...entries("engineering", "c_level", "cto"),
  ...entries("finance", "c_level", "cfo"),
  ...entries("operations", "c_level", "coo"),
  ...entries("marketing", "c_level", "cmo"),
  ...entries("it", "c_level", "cio"),
  ...entries("security", "c_level", "ciso,cso"),
  ...entries("product", "c_level", "cpo"),
  ...entries("sales", "c_level", "cro"),
  ...entries("data", "c_level", "cdo"),
  ...entries("hr", "c_level", "chro"),
  ...entries(undefined, "vp", "vp,svp,evp,avp,vizeprasident"),
  ...entries(undefined, "head", "head,leiter,leiterin,jefe,jefa,bereichsleiter"),
  ...entries(undefined, "director", "director,directora,directeur,directrice,direktor,direktorin,dir"),
  ...entries(undefined, "manager", "manager,mgr,supervisor,gerente,responsable,teamleiter,teamlead"),
  ...entries(undefined, "senior", "senior,sr,staff,principal"),
  ...entries(
    undefined,
    "intern",
    "intern,internship,trainee,werkstudent,werkstudentin,praktikant,praktikantin,stagiaire,becario,becaria,apprentice,azubi"
  ),
  ...entries(undefined, "entry", "junior,jr,associate,assistant,graduate,entry"),
  ...entries(
    "engineering",
    undefined,
    "engineer,engineering,eng,developer,dev,software,devops,sre,architect,programmer,entwickler,entwicklerin,ingenieur,ingeniero,frontend,backend,fullstack,qa,platform,mobile"
  ),
  ...entries("security", undefined, "security,infosec,cybersecurity,sicherheit,pentester"),
  ...entries("data", undefined, "data,analytics,analyst,bi,ml,ai"),
  ...entries("it", undefined, "it,sysadmin,infrastructure,network,helpdesk"),
  ...entries("product", undefined, "product,pm"),
  ...entries("design", undefined, "design,designer,ux,ui,creative,art"),
  ...entries("sales", "entry", "sdr,bdr"),
  ...entries("sales", undefined, "sales,ae,revenue,vertrieb,ventas,ventes,commercial,vendas"),
  ...entries("marketing", undefined, "marketing,mktg,growth,brand,content,seo,communications,comms,pr"),
  ...entries("customer_success", undefined, "csm,support,onboarding,cx"),
  ...entries(
    "finance",
    undefined,
    "finance,financial,accounting,accountant,controller,controlling,treasury,finanzen,buchhaltung,tax"
  ),
  ...entries("legal", undefined, "legal,counsel,lawyer,attorney,compliance,jurist,juristin,paralegal"),
  ...entries("hr", undefined, "hr,people,talent,recruiting,recruiter,personal"),
  ...entries("research", undefined, "research,researcher,scientist,r&d,forschung"),
  ...entries("operations", undefined, "operations,ops,logistics,procurement,facilities,betrieb")
])

/** German compounds: `Vertriebsleiter`, `Marketingleiterin`, … */
const COMPOUND_HEAD = /^(.*?)(leiter|leiterin|leitung)$/
const COMPOUND_DEPARTMENT: Readonly<Record<string, Department | undefined>> = {
  vertriebs: "sales",
  marketing: "marketing",
  personal: "hr",
  finanz: "finance",
  it: "it",
  entwicklungs: "engineering",
  produkt: "product",
  betriebs: "operations"
}

const DIACRITICS = /\p{M}/gu
const SEPARATORS = /[^\p{L}\p{N}&-]+/u

const UNKNOWN: TitleClassification = { seniority: "unknown", department: "unknown", decisionMaker: false }

/**
 * Seniority and department from a job title by keyword (English, with German, French and Spanish
 * basics). The highest seniority marker wins; the department is the first non-executive function
 * named, else `executive` when the title names one. A title without a seniority marker ("Software
 * Engineer") has seniority `unknown`.
 */
export const classifyJobTitle = (title: string | null | undefined): TitleClassification => {
  if (title === null || title === undefined) return UNKNOWN
  const tokens = title.toLowerCase().normalize("NFD").replace(DIACRITICS, "").split(SEPARATORS)
  let seniority: Seniority = "unknown"
  let department: Department = "unknown"
  let executive = false
  const note = (term: Term | undefined): boolean => {
    if (term === undefined) return false
    const s = term.seniority
    if (s !== undefined && RANK[s] > RANK[seniority]) seniority = s
    if (term.department === "executive") executive = true
    else if (term.department !== undefined && department === "unknown") department = term.department
    return true
  }
  const words = tokens.filter((t) => t !== "" && t !== "-" && t !== "&")
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? ""
    const next = words[i + 1]
    // "Assistant to the CEO" works for the CEO: what follows does not describe the assistant.
    if (word === "to" && (words[i - 1] === "assistant" || words[i - 1] === "assistent")) break
    if (next !== undefined && note(PHRASES.get(`${word} ${next}`))) {
      i++
      continue
    }
    // "Lead Engineer" is a senior individual contributor; "Engineering Lead" leads a team.
    if (word === "lead") {
      note({ seniority: i === 0 && words.length > 1 ? "senior" : "manager" })
      continue
    }
    if (note(WORDS.get(word))) continue
    const compound = COMPOUND_HEAD.exec(word)
    if (compound !== null) {
      const prefix = compound[1] ?? ""
      const compoundDepartment = COMPOUND_DEPARTMENT[prefix]
      note(
        compoundDepartment === undefined ? { seniority: "head" } : { seniority: "head", department: compoundDepartment }
      )
    }
  }
  if (department === "unknown" && executive) department = "executive"
  return { seniority, department, decisionMaker: DECISION_MAKERS.has(seniority) }
}
