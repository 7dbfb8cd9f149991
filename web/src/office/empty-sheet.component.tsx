import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';

/** A way out of an empty sheet: a page where the cards to print are chosen. */
export interface EmptySheetLink {
  to: string;
  label: string;
  testId: string;
}

/**
 * What a print sheet or a set of delivery slips shows instead of a blank page when it has nothing
 * to print: why it is empty, what to do, and links to the pages where cards are chosen.
 */
export function EmptySheet({ title, why, whatToDo, links }: { title: string; why: string; whatToDo: string; links: readonly EmptySheetLink[] }) {
  return (
    <Alert color="blue" variant="light" title={title} className="no-print" data-testid="empty-sheet">
      <Stack gap="xs">
        <Text size="sm" data-testid="empty-sheet-why">{why}</Text>
        <Text size="sm">{whatToDo}</Text>
        <Group gap="xs">
          {links.map((link, index) => (
            <Button key={link.to} component={Link} to={link.to} size="xs" variant={index === 0 ? 'filled' : 'default'} data-testid={link.testId}>
              {link.label}
            </Button>
          ))}
        </Group>
      </Stack>
    </Alert>
  );
}
