export { ContactImportWriterSql } from "./ContactImportWriterSql.js"
export { LeadImportWriterSql } from "./LeadImportWriterSql.js"
