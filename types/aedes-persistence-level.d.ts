declare module 'aedes-persistence-level' {
  // The package ships no types; it takes a level database and returns an aedes persistence.
  export default function levelPersistence(db: unknown): unknown;
}
