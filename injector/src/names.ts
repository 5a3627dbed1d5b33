/**
 * Team names ("Amber-Koala") and the team id derived from a name. Names are plain ASCII letters and
 * a hyphen, so they need no JSON escaping.
 */
export const COLOURS: readonly string[] = [
  'Amber', 'Aqua', 'Azure', 'Beige', 'Black', 'Blue', 'Bronze', 'Brown', 'Cerise', 'Cobalt',
  'Copper', 'Coral', 'Crimson', 'Cyan', 'Emerald', 'Fuchsia', 'Gold', 'Green', 'Grey', 'Indigo',
  'Ivory', 'Jade', 'Khaki', 'Lavender', 'Lemon', 'Lilac', 'Lime', 'Magenta', 'Maroon', 'Mauve',
  'Mint', 'Navy', 'Ochre', 'Olive', 'Orange', 'Orchid', 'Peach', 'Pink', 'Plum', 'Purple',
  'Red', 'Rose', 'Ruby', 'Rust', 'Saffron', 'Salmon', 'Sapphire', 'Scarlet', 'Sepia', 'Silver',
  'Tan', 'Teal', 'Turquoise', 'Umber', 'Violet', 'White', 'Yellow',
];

export const ANIMALS: readonly string[] = [
  'Albatross', 'Alpaca', 'Badger', 'Bat', 'Bear', 'Beaver', 'Bison', 'Buffalo', 'Camel', 'Caribou',
  'Cheetah', 'Cobra', 'Condor', 'Coyote', 'Crane', 'Crocodile', 'Dingo', 'Dolphin', 'Eagle', 'Echidna',
  'Elephant', 'Falcon', 'Ferret', 'Flamingo', 'Fox', 'Gazelle', 'Gecko', 'Giraffe', 'Gorilla', 'Hawk',
  'Hedgehog', 'Heron', 'Hippo', 'Hyena', 'Ibis', 'Iguana', 'Jackal', 'Jaguar', 'Kangaroo', 'Koala',
  'Lemur', 'Leopard', 'Lion', 'Llama', 'Lynx', 'Marmot', 'Meerkat', 'Mongoose', 'Moose', 'Narwhal',
  'Ocelot', 'Octopus', 'Orca', 'Otter', 'Owl', 'Panda', 'Panther', 'Pelican', 'Penguin', 'Puma',
  'Quokka', 'Rabbit', 'Raccoon', 'Raven', 'Rhino', 'Salamander', 'Seal', 'Shark', 'Sloth', 'Tapir',
  'Tiger', 'Toucan', 'Turtle', 'Vulture', 'Walrus', 'Wolf', 'Wombat', 'Yak', 'Zebra',
];

export const TEAM_NAME_COUNT = COLOURS.length * ANIMALS.length;

/** The name with the given index in [0, TEAM_NAME_COUNT). */
export function teamName(index: number): string {
  return `${COLOURS[Math.floor(index / ANIMALS.length)]}-${ANIMALS[index % ANIMALS.length]}`;
}

export const TEAM_ID_DIGITS = 10;

/**
 * FNV-1a (32 bit) of the name, as 10 zero-padded digits: stable across runs and machines, so a
 * team that comes back under the same name keeps its id.
 */
export function teamIdOf(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString().padStart(TEAM_ID_DIGITS, '0');
}
