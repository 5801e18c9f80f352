/** A CVSS or OWASP vector that wraps after its slashes, one metric never split across lines. */
export function VectorText(props: { vector: string }) {
  return (
    <>
      {props.vector.split("/").map((part, i) => (
        <>
          {i > 0 && (
            <>
              /<wbr />
            </>
          )}
          {part}
        </>
      ))}
    </>
  );
}
