import { Fragment } from 'react';
import { Text } from '@mantine/core';

/**
 * A URL in monospace that wraps only between its parts (after a path's slashes, before a query's
 * `?` and `&`), never inside a host name or a path segment: « http://127.0.0.1:8392/ | hook », not
 * « http://127.0.0.1:8392/h | ook ». A single part longer than the column still wraps (break-word)
 * rather than overflowing. The full URL is its title too.
 */
export function BreakableUrl({ url, size = 'sm', testId }: { url: string; size?: 'xs' | 'sm'; testId?: string }) {
  // After a slash that is not followed by another one (« http:// » stays whole), and before ? & #.
  const parts = url.split(/(?<=\/)(?!\/)|(?=[?&#])/);
  return (
    <Text span size={size} ff="monospace" title={url} style={{ overflowWrap: 'break-word', wordBreak: 'normal' }} data-testid={testId}>
      {parts.map((part, index) => <Fragment key={index}>{part}{index < parts.length - 1 ? <wbr /> : null}</Fragment>)}
    </Text>
  );
}
